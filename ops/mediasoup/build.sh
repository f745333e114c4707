#!/usr/bin/env bash
shopt -s extglob
# Gets the mediasoup worker binary for the version pinned in sfu/package.json and prints its path (and
# nothing else) on stdout; progress goes to stderr. Idempotent: with a cached binary it returns at once.
#
#   MEDIASOUP_WORKER_BIN=$(ops/mediasoup/build.sh); export MEDIASOUP_WORKER_BIN
#
# Cache: ${PARLEY_STATE_DIR:-~/.cache/parley}/mediasoup/<version>/mediasoup-worker (never in git).
# How (PARLEY_MEDIASOUP_BUILD):
#   auto     (default) mediasoup's own install (prebuilt download, else its own build) when GitHub
#            answers; otherwise the Debian build below.
#   upstream mediasoup's own install only (needs GitHub and PyPI).
#   debian   offline build of the worker against Debian bookworm's libraries: mediasoup 3.12.x pins in its
#            meson wraps the same versions of libuv, libsrtp2 and abseil that bookworm ships, so each wrap
#            is replaced by a tiny subproject around the system dependency() (see ops/mediasoup/README.md).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/ops/lib/common.sh"
exec 3>&1 1>&2 # stdout is only for the path

say() { log mediasoup "$@"; }
fail() { die mediasoup "$@"; }

VERSION=$(sed -n 's/.*"mediasoup": *"\([0-9][^"]*\)".*/\1/p' "$ROOT/sfu/package.json" | head -n1)
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "no exact mediasoup version in sfu/package.json (found '$VERSION'); pin one, e.g. \"mediasoup\": \"3.12.16\""
MODE=${PARLEY_MEDIASOUP_BUILD:-auto}
DIR=$PARLEY_STATE/mediasoup/$VERSION
OUT=$DIR/mediasoup-worker
# Bumped whenever the recipe below changes, so an old cached binary is rebuilt.
RECIPE=debian-1
APT_DEPS=(g++ python3 meson pkg-config ninja-build libuv1-dev libssl-dev libsrtp2-dev libusrsctp-dev libabsl-dev
  nlohmann-json3-dev)

links_ok() { [[ -x $1 ]] && ! ldd "$1" 2>/dev/null | grep -q "not found"; }
done_ok() { links_ok "$OUT" && [[ -f $OUT.ok ]] && [[ $(cut -d, -f1 "$OUT.ok") == @($RECIPE|upstream) ]]; }

mkdir -p "$DIR"
exec 9>"$DIR/.lock"
if ! flock -n 9; then
  say "another build of $VERSION is running; waiting for it ..."
  flock 9
fi

if done_ok; then
  say "worker $VERSION cached ($(sed -n 1p "$OUT.ok")): $OUT"
  echo "$OUT" >&3
  exit 0
fi

fetch_package() { # unpacked npm package of mediasoup $VERSION in $DIR/src/package
  if [[ ! -f $DIR/src/package/package.json ]]; then
    say "fetching mediasoup@$VERSION from the npm registry ..."
    rm -rf "$DIR/src" && mkdir -p "$DIR/src"
    (cd "$DIR/src" && npm pack --silent "mediasoup@$VERSION" >/dev/null) \
      || fail "npm pack mediasoup@$VERSION failed: check that the npm registry is reachable, then rerun"
    tar -xzf "$DIR/src/mediasoup-$VERSION.tgz" -C "$DIR/src"
  fi
}

install_result() { # $1: built binary, $2: how
  links_ok "$1" || fail "the built worker $1 is missing or does not link (ldd $1); see $DIR/build.log"
  cp "$1" "$OUT.tmp" && mv -f "$OUT.tmp" "$OUT"
  printf '%s\n' "$2" >"$OUT.ok"
  say "worker $VERSION ready ($2): $OUT"
  echo "$OUT" >&3
}

upstream() { # mediasoup's own postinstall: prebuilt from GitHub, else its own build (PyPI + meson wraps)
  local stage=$DIR/upstream
  say "trying mediasoup's own install (prebuilt worker from GitHub; log: $stage.log) ..."
  mkdir -p "$stage"
  # npm 11 skips lifecycle scripts, so the postinstall is run by hand once the package's deps are in place.
  (cd "$stage" && npm install --no-save --ignore-scripts --no-audit --no-fund "mediasoup@$VERSION" &&
    cd node_modules/mediasoup && env -u MEDIASOUP_WORKER_BIN timeout 900 node npm-scripts.mjs postinstall) \
    >"$stage.log" 2>&1 || return 1
  local bin=$stage/node_modules/mediasoup/worker/out/Release/mediasoup-worker
  links_ok "$bin" || return 1
  install_result "$bin" "upstream"
}

apt_deps() {
  local missing=() p
  for p in "${APT_DEPS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    apt_install mediasoup "${missing[@]}" || exit 1
  else
    say "build dependencies present (${#APT_DEPS[@]} Debian packages)"
  fi
}

# A subproject named $1 whose meson.build is $2 and meson_options.txt is $3 (may be empty).
subproject() {
  local d=$WORKER/subprojects/$1
  mkdir -p "$d"
  printf '%s\n' "$2" >"$d/meson.build"
  [[ -z ${3:-} ]] || printf '%s\n' "$3" >"$d/meson_options.txt"
}

debian() {
  apt_deps
  fetch_package
  WORKER=$DIR/src/package/worker
  say "preparing the worker sources for the system libraries ..."
  rm -f "$WORKER"/subprojects/*.wrap
  subproject openssl "project('openssl', 'c')
openssl_dep = dependency('openssl', version: '>= 3.0')"
  subproject nlohmann_json "project('nlohmann_json', 'cpp')
nlohmann_json_dep = dependency('nlohmann_json', version: '>= 3.10')"
  subproject libuv "project('libuv', 'c')
libuv_dep = dependency('libuv', version: '>= 1.44')" "option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)"
  # Debian installs srtp.h under include/srtp2/; mediasoup includes <srtp.h>.
  subproject libsrtp2 "project('libsrtp2', 'c')
_srtp = dependency('libsrtp2', version: '>= 2.4')
libsrtp2_dep = declare_dependency(dependencies: _srtp,
  compile_args: ['-I' + (_srtp.get_variable(pkgconfig: 'includedir') / 'srtp2')])" \
    "option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'feature', value: 'disabled')
option('tests', type: 'feature', value: 'disabled')"
  subproject usrsctp "project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp')" "option('sctp_build_programs', type: 'boolean', value: false)"
  subproject abseil-cpp "project('abseil-cpp', 'cpp')
absl_container_dep = declare_dependency(dependencies: [dependency('absl_flat_hash_map'),
  dependency('absl_flat_hash_set'), dependency('absl_btree'), dependency('absl_inlined_vector'),
  dependency('absl_memory')])
absl_strings_dep = dependency('absl_strings')
absl_types_dep = declare_dependency(dependencies: [dependency('absl_optional'), dependency('absl_variant')])"
  subproject catch2 "project('catch2', 'cpp')
catch2_dep = declare_dependency()" # only the worker's own unit tests use it; we never build them
  # Bookworm has meson 1.0.1. The system libraries are shared, so only the bundled libwebrtc is linked whole.
  sed -i -e "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" "$WORKER/meson.build"
  python3 - "$WORKER/meson.build" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p).read()
s2 = re.sub(r"link_whole = \[.*?\n\]", "link_whole = [\n  libwebrtc,\n]", s, count=1, flags=re.S)
if s2 == s and "link_whole = [\n  libwebrtc,\n]" not in s:
    sys.exit("meson.build: link_whole list not found")
open(p, "w").write(s2)
PY
  local build=$DIR/build log=$DIR/build.log
  if [[ ! -f $build/build.ninja ]]; then
    say "meson setup (log: $log) ..."
    rm -rf "$build"
    meson setup "$build" "$WORKER" --buildtype=release --wrap-mode=nodownload >"$log" 2>&1 \
      || { tail -n 20 "$log" >&2; fail "meson setup failed, see $log; a missing library means: apt-get install ${APT_DEPS[*]}"; }
  fi
  say "compiling the worker with ninja on $(nproc) cores (about 7 min on 2; log: $log) ..."
  local start=$SECONDS last=-1
  if ! NINJA_STATUS="@@ %f/%t " ninja -C "$build" mediasoup-worker 2>&1 | tee -a "$log" | while read -r mark prog _; do
    [[ $mark == @@ ]] || continue
    local n=${prog%/*} t=${prog#*/}
    local pct=$((t ? n * 100 / t : 0))
    if ((pct / 10 != last / 10 || n == t)); then
      say "  $n/$t steps ($pct%, $((SECONDS - start)) s)"
      last=$pct
    fi
  done; then
    tail -n 30 "$log" >&2
    fail "ninja failed, see $log; rerun to resume the build"
  fi
  install_result "$build/mediasoup-worker" "$RECIPE, built in $((SECONDS - start)) s"
}

case $MODE in
  upstream) upstream || fail "mediasoup's own install failed (see $DIR/upstream.log); without GitHub use PARLEY_MEDIASOUP_BUILD=debian" ;;
  debian) debian ;;
  auto)
    if timeout 5 bash -c 'exec 3<>/dev/tcp/github.com/443' 2>/dev/null && upstream; then :; else
      say "GitHub is not reachable or mediasoup's own install failed: building the worker against Debian's libraries"
      debian
    fi ;;
  *) fail "PARLEY_MEDIASOUP_BUILD must be auto, upstream or debian (got '$MODE')" ;;
esac
