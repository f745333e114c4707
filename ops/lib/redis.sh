# shellcheck shell=bash
# Redis for Parley: use the server answering at REDIS_HOST:REDIS_PORT, else run a private one on
# loopback without persistence (Parley keeps nothing in Redis that must outlive it). Sourced by ops/services.

RD_HOST=${REDIS_HOST:-127.0.0.1}
RD_PORT=${REDIS_PORT:-6379}
RD_STATE=$PARLEY_STATE/redis
RD_LOG=$RD_STATE/redis.log
RD_PIDFILE=$RD_STATE/redis.pid

# First reply line to a PING: "+PONG", or "-NOAUTH ..." when it wants a password; empty if nothing
# answers. Plain bash rather than redis-cli, so it works before Redis is installed.
rd_ping() {
  # shellcheck disable=SC2016  # $0 $1 $l belong to the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "PING\r\n" >&3 && IFS= read -r l <&3 && echo "$l"' \
    "$RD_HOST" "$RD_PORT" 2>/dev/null | tr -d '\r' || true
}
rd_answering() { local r; r=$(rd_ping); [[ $r == +PONG || $r == -NOAUTH* ]]; }

# Pid of the redis-server WE started (marker + live process from our pid file); fails otherwise.
rd_our_pid() {
  local pid port
  port=$(marker_get redis port) && [[ -n $port ]] || return 1
  pid=$(cat "$RD_PIDFILE" 2>/dev/null) || return 1
  alive_as "$pid" redis-server && alive_as "$pid" ":$port" && echo "$pid"
}

rd_use_running() {
  if [[ $(rd_ping) == -NOAUTH* ]]; then
    log redis "using running Redis at $RD_HOST:$RD_PORT; it wants a password: put it in REDIS_URL \
(redis://:PASSWORD@$RD_HOST:$RD_PORT), or let parley run its own: REDIS_PORT=56379 ops/services up redis"
  else log redis "using running Redis at $RD_HOST:$RD_PORT"; fi
}

rd_start() {
  local bind=127.0.0.1 rc=0
  if [[ $RD_HOST == ::1 ]]; then bind=::1; fi
  rm -f "$RD_PIDFILE"
  # shellcheck disable=SC2094  # redis-server writes the log only after this shell let go of it
  # --save "" --appendonly no: nothing is written to disk; the daemon writes its own pid file and log.
  redis-server --daemonize yes --bind "$bind" --port "$RD_PORT" --save "" --appendonly no \
    --dir "$RD_STATE" --pidfile "$RD_PIDFILE" --logfile "$RD_LOG" </dev/null >>"$RD_LOG" 2>&1 \
    || die redis "redis-server would not start, see $RD_LOG; fix the cause, then rerun"
  marker_write redis "port=$RD_PORT"
  RD_STARTED_AT=$SECONDS
  wait_until redis "$RD_HOST:$RD_PORT" rd_answering rd_starting || rc=$?
  if ((rc != 0)); then
    tail -n 15 "$RD_LOG" >&2
    if ((rc == 1)); then rd_stop_ours || true; else marker_clear redis; fi
    die redis "the server did not come up (log: $RD_LOG). If another program holds port $RD_PORT, choose a \
free one with REDIS_PORT; if it was only slow, raise PARLEY_START_TIMEOUT (now $START_TIMEOUT s); else fix what \
the log says; then rerun"
  fi
  log redis "started parley's Redis at $RD_HOST:$RD_PORT (no persistence, log: $RD_LOG)"
}

# During the wait: the daemon writes its pid file a moment after redis-server returns, so allow 5 s.
rd_starting() { rd_our_pid >/dev/null || ((SECONDS - RD_STARTED_AT < 5)); }

# SIGTERM = clean shutdown (it saves nothing: no persistence); SIGKILL if it is still there after 10 s.
rd_stop_ours() {
  local pid i
  pid=$(rd_our_pid) || { marker_clear redis; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 10; i++)); do
    alive "$pid" || break
    sleep 1
  done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; sleep 1; fi
  if alive "$pid"; then return 1; fi
  marker_clear redis
  rm -f "$RD_PIDFILE"
}

rd_up() {
  local pid r
  mkdir -p "$RD_STATE"
  if rd_answering; then
    if pid=$(rd_our_pid) && [[ $(marker_get redis port) == "$RD_PORT" ]]; then
      log redis "already running at $RD_HOST:$RD_PORT (started by parley, pid $pid)"
    else rd_use_running; fi
    return 0
  fi
  if port_open "$RD_HOST" "$RD_PORT"; then
    r=$(rd_ping)
    die redis "a program holds $RD_HOST:$RD_PORT but does not answer PING like Redis${r:+ (it said: $r)}: \
set REDIS_PORT to a free port, then rerun"
  fi
  is_local_host "$RD_HOST" || die redis "nothing answers at $RD_HOST:$RD_PORT, and parley starts servers only \
on this machine: start that server, or unset REDIS_HOST to use 127.0.0.1"
  if pid=$(rd_our_pid); then
    die redis "parley's Redis already runs on port $(marker_get redis port) (pid $pid): set REDIS_PORT to that, \
or run 'ops/services down redis' first"
  fi
  if ! command -v redis-server >/dev/null; then
    apt_install redis redis-server || exit 1
    # Debian's postinst starts its own service where services can start (not in most containers).
    if rd_answering; then rd_use_running; return 0; fi
  fi
  rd_start
}

rd_down() {
  local pid
  if pid=$(rd_our_pid); then
    log redis "stopping parley's Redis (pid $pid, port $(marker_get redis port)) ..."
    rd_stop_ours || { err redis "pid $pid survived SIGKILL?! stop it yourself (kill -9 $pid), then rerun"; return 1; }
    log redis "stopped"
  elif [[ -f $(marker_file redis) ]]; then
    marker_clear redis
    log redis "parley's server was not running; nothing stopped"
  elif rd_answering; then log redis "not started by parley, left running ($RD_HOST:$RD_PORT)"
  else log redis "nothing started by parley is running; nothing stopped"; fi
}

rd_status() {
  local pid addr=$RD_HOST:$RD_PORT ours=
  if pid=$(rd_our_pid); then ours=$(marker_get redis port); fi
  if rd_answering; then
    if [[ $ours == "$RD_PORT" ]]; then status_line redis "$addr" "answering (started by parley, pid $pid)"
    else status_line redis "$addr" "answering (not started by parley)"; fi
    return 0
  fi
  local hint="parley's server runs on port $ours: set REDIS_PORT=$ours"
  status_line redis "$addr" "not answering${ours:+ ($hint)}"
  return 1
}
