# shellcheck shell=bash
# Shared helpers for ops/services and ops/lib/<service>.sh: messages, waiting, markers, apt.
# Sourced, never run. Conventions: `up` steps call die (stop at the first problem, it needs a fix);
# `down` and `status` steps print with err and return non-zero, so the other services still get their turn.

# Absolute, so markers and the servers we start agree on paths whatever the working directory.
PARLEY_STATE=$(realpath -m "${PARLEY_STATE_DIR:-$HOME/.cache/parley}")
START_TIMEOUT=${PARLEY_START_TIMEOUT:-60}

log() { local svc=$1; shift; echo "$svc: $*"; }
err() { local svc=$1; shift; echo "$svc: ERROR: $*" >&2; return 1; }
die() { local svc=$1; shift; echo "$svc: ERROR: $*" >&2; exit 1; }

# One status line, aligned like ops/kafka/kafka.sh's: name, address, state.
status_line() { printf '%-9s %-15s %s\n' "$1" "$2" "$3"; }

# We only ever start servers on loopback; any other host can be used but not started.
is_local_host() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }

# True if some program accepts TCP connections on host $1 port $2 (whatever it speaks).
# shellcheck disable=SC2016  # $0 $1 belong to the inner bash
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

# True if process $1 exists and is not a zombie (kill -0 succeeds on zombies too).
alive() { [[ $1 =~ ^[0-9]+$ && -r /proc/$1/stat ]] && [[ $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) != Z ]]; }

# True if process $1 is alive and its command line contains $2 (guards against a recycled pid).
alive_as() { alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"; }

# Markers: $PARLEY_STATE/<svc>/started-by-parley holds key=value lines about the server WE started.
# Its presence is what lets `down` stop our server and leave everybody else's alone.
marker_file() { echo "$PARLEY_STATE/$1/started-by-parley"; }
marker_write() { local f; f=$(marker_file "$1"); shift; printf '%s\n' "$@" >"$f"; }
marker_get() { local f; f=$(marker_file "$1"); [[ -f $f ]] && sed -n "s/^$2=//p" "$f" | head -n1; }
marker_clear() { rm -f "$(marker_file "$1")"; }

# wait_until SVC WHAT READY_FN ALIVE_FN: dots until READY_FN succeeds. Returns 1 after
# $START_TIMEOUT s, 2 at once if ALIVE_FN says the server process is gone (no point waiting).
wait_until() {
  local svc=$1 what=$2 ready=$3 isalive=$4 start=$SECONDS
  printf '%s: waiting until %s answers' "$svc" "$what"
  while ((SECONDS - start < START_TIMEOUT)); do
    if $ready; then echo " ready after $((SECONDS - start)) s"; return 0; fi
    if ! $isalive; then echo " the server exited"; return 2; fi
    printf .
    sleep 1
  done
  echo " no answer after $START_TIMEOUT s"
  return 1
}

# apt_install SVC PKG...: Debian packages, non-interactively, output kept in a log. Returns 1 on failure.
APT_UPDATED=
apt_install() {
  local svc=$1; shift
  local aptlog=$PARLEY_STATE/apt.log
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    err "$svc" "cannot install $* here (needs root and apt-get): install it yourself \
(e.g. sudo apt-get install $*), then rerun"
    return 1
  fi
  log "$svc" "installing Debian package(s) $* with apt-get (log: $aptlog) ..."
  if [[ -z $APT_UPDATED ]]; then
    if ! apt-get update >>"$aptlog" 2>&1; then
      err "$svc" "apt-get update failed, see $aptlog (are Debian's mirrors reachable?); fix that, then rerun"
      return 1
    fi
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$aptlog" 2>&1 \
    || { tail -n 5 "$aptlog" >&2; err "$svc" "apt-get install $* failed, see $aptlog; fix that, then rerun"; return 1; }
}
