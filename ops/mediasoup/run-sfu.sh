#!/usr/bin/env bash
# Runs the SFU (calls) as soon as its mediasoup worker is at hand: MEDIASOUP_WORKER_BIN, or the one
# build.sh returns — at once when cached, else after building it (minutes, once), with its progress
# printed. ops/start runs this in the background so Parley is usable meanwhile: the API keeps knocking at
# SFU_URLS and turns calls on by itself when the SFU answers (no restart).
#
# Env: what the SFU reads (SFU_SECRET, SFU_PORT, …; see ../../.env.example) and MEDIASOUP_WORKER_BIN.
# PARLEY_MEDIASOUP_BUILD_CMD replaces `bash ops/mediasoup/build.sh` (a test's stand-in for a slow build:
# a program that prints a worker's path on stdout).
# SIGTERM or SIGINT stops the build (it resumes at the next start) or the SFU, whichever runs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

child=
stop() {
  # The build runs in its own process group (setsid): stop all of it, ninja included; the SFU is a plain
  # child. (Under `set -e` a failing `kill` as the last command of an && list ended this function before
  # the SFU was told, leaving it running after the script had gone.)
  if [[ -n $child ]]; then
    kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null || true
  fi
  exit 143
}
trap stop TERM INT

worker=${MEDIASOUP_WORKER_BIN:-}
if [[ -z $worker ]]; then
  read -r -a build <<<"${PARLEY_MEDIASOUP_BUILD_CMD:-bash $ROOT/ops/mediasoup/build.sh}"
  echo "calls: getting ready: getting the mediasoup worker (built once when missing: about 7 min on 2 cores)."
  echo "calls: Parley works meanwhile; calls turn on by themselves when the worker is ready."
  out=$(mktemp)
  setsid "${build[@]}" >"$out" &
  child=$!
  if ! wait "$child"; then
    child=
    rm -f "$out"
    echo "calls: off: the mediasoup worker could not be had (see the lines above). Fix what they say, run" \
      "bash ops/mediasoup/build.sh, then restart bash ops/start." >&2
    exit 1
  fi
  child=
  worker=$(tail -n1 "$out")
  rm -f "$out"
fi
[[ -x $worker ]] || { echo "calls: off: $worker is not an executable mediasoup worker" >&2; exit 1; }

cd "$ROOT/sfu"
MEDIASOUP_WORKER_BIN=$worker node --import tsx src/main.ts &
child=$!
port=${SFU_PORT:-4010}
for _ in $(seq 1 600); do
  if timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "${SFU_HOST:-127.0.0.1}" "$port" 2>/dev/null; then
    echo "calls: ready (the SFU answers on port $port): open a channel and press Call."
    break
  fi
  kill -0 "$child" 2>/dev/null || break
  sleep 0.5
done
wait "$child"
