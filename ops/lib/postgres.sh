# shellcheck shell=bash
# PostgreSQL for Parley: use the server answering at PGHOST:PGPORT, else run a private cluster owned
# by the project (trust auth for user postgres, listening on loopback only). Sourced by ops/services.

PG_HOST=${PGHOST:-127.0.0.1}
PG_PORT=${PGPORT:-5432}
PG_STATE=$PARLEY_STATE/postgres
PG_LOG=$PG_STATE/postgres.log
PG_LIBROOT=/usr/lib/postgresql  # Debian's layout: <major>/bin/{postgres,initdb,pg_ctl,...}

# The major version in $PG_LIBROOT changes with the Debian release, so take the highest one there
# (or PARLEY_PG_BINDIR). Prints nothing if there is none.
pg_find_bindir() {
  local d
  if [[ -n ${PARLEY_PG_BINDIR:-} ]]; then echo "$PARLEY_PG_BINDIR"; return; fi
  for d in "$PG_LIBROOT"/*/bin; do
    if [[ -x $d/postgres && -x $d/initdb ]]; then echo "$d"; fi
  done | sort -V | tail -n1
}

# A client tool (psql, pg_isready) from PATH, else from the server's bin dir.
pg_tool() {
  command -v "$1" && return
  local b; b=$(pg_find_bindir)
  [[ -n $b && -x $b/$1 ]] && echo "$b/$1"
}

# initdb and postgres refuse to run as root, so as root they run as the postgres system user;
# `cd /` because that user may not be allowed into the caller's working directory.
as_pg() { if [[ $(id -u) == 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

# -U postgres: with the default (the caller's name) every probe logs 'role "root" does not exist'.
pg_answering() {
  local isready
  if isready=$(pg_tool pg_isready); then "$isready" -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -t 2
  else port_open "$PG_HOST" "$PG_PORT"; fi  # no client installed yet: a port check must do
}

# Succeeds if user postgres logs in without a prompt (trust, PGPASSWORD or ~/.pgpass); else prints why.
pg_login_check() {
  local psql out
  psql=$(pg_tool psql) || return 0  # no client installed: nothing to check with
  out=$(PGCONNECT_TIMEOUT=5 "$psql" -X -w -q -At -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres \
    -c 'select 1' 2>&1) && [[ $out == 1 ]] && return 0
  echo "$out"
  return 1
}

# Pid of the cluster WE started (marker + a live postmaster for that data dir); fails otherwise.
pg_our_pid() {
  local data pid
  data=$(marker_get postgres data) && [[ -n $data ]] || return 1
  pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null) || return 1
  alive_as "$pid" "$data" && echo "$pid"
}

pg_use_running() {
  local out
  out=$(pg_login_check) || die postgres "PostgreSQL at $PG_HOST:$PG_PORT answers, but user postgres cannot log in \
without a password ($out). Do one of: (1) export PGPASSWORD=<its password> and use it in DATABASE_URL; \
(2) add the line 'host all postgres 127.0.0.1/32 trust' above the others in its pg_hba.conf (psql -c 'show hba_file' \
tells where) and reload it; (3) let parley run its own server on a free port: PGPORT=55432 ops/services up postgres"
  log postgres "using running PostgreSQL at $PG_HOST:$PG_PORT"
}

pg_install() {
  [[ $(id -u) == 0 ]] || die postgres "no PostgreSQL server binaries under $PG_LIBROOT/*/bin: \
install them (sudo apt-get install postgresql), then rerun"
  log postgres "no PostgreSQL server binaries under $PG_LIBROOT/*/bin: installing Debian's postgresql"
  apt_install postgres postgresql-common || exit 1
  # Debian's postinst would create its own 'main' cluster on 5432 (password auth over TCP) and start it
  # where services can start, taking the port parley wants. Skip that, for this install only.
  local no_main=/etc/postgresql-common/createcluster.d/zz-parley-no-main-cluster.conf
  mkdir -p "${no_main%/*}" && echo "create_main_cluster = false" >"$no_main"
  apt_install postgres postgresql || { rm -f "$no_main"; exit 1; }
  rm -f "$no_main"
}

# Where the postgres-owned files (data dir, socket) live. As root the server runs as user postgres,
# which must be able to reach them: $PG_STATE if it can, else (e.g. state dir under /root, mode 700)
# a dir under /var/lib/postgresql named after the state dir, so two state dirs never share a cluster.
pg_home() {
  if [[ $(id -u) != 0 ]]; then echo "$PG_STATE"; return; fi
  if ! getent passwd postgres >/dev/null; then
    log postgres "creating the system user 'postgres' (the server refuses to run as root)" >&2
    useradd --system --user-group --home-dir /var/lib/postgresql --no-create-home --shell /bin/bash postgres \
      || die postgres "could not create the user postgres; create it (useradd --system postgres), then rerun"
  fi
  if as_pg test -x "$PARLEY_STATE"; then chown postgres: "$PG_STATE"; echo "$PG_STATE"; return; fi
  local h
  h=/var/lib/postgresql/parley/$(printf %s "$PG_STATE" | sha256sum | cut -c1-12)
  mkdir -p "$h" && chown postgres: "${h%/*}" "$h"
  echo "$h"
}

pg_start() {
  local bindir home data ver listen=127.0.0.1 rc=0 out
  bindir=$(pg_find_bindir)
  home=$(pg_home)
  data=$home/data
  if [[ -f $data/PG_VERSION ]]; then  # reuse the cluster, with the server version that made it
    ver=$(<"$data/PG_VERSION")
    if [[ $bindir != */$ver/bin ]]; then
      bindir=$PG_LIBROOT/$ver/bin
      [[ -x $bindir/postgres ]] || die postgres "$data was made by PostgreSQL $ver, which is not installed: \
install it (apt-get install postgresql-$ver), or delete $data (loses parley's local data), then rerun"
    fi
  else
    [[ -z $(ls -A "$data" 2>/dev/null) ]] \
      || die postgres "$data holds no cluster (an interrupted initdb?): delete it, then rerun"
    log postgres "creating parley's cluster in $data (initdb, trust auth for user postgres) ..."
    as_pg "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      >"$PG_STATE/initdb.log" 2>&1 \
      || die postgres "initdb failed, see $PG_STATE/initdb.log; fix the cause, delete $data, then rerun"
  fi
  if [[ $PG_HOST == ::1 ]]; then listen=::1; fi
  if [[ -f $PG_LOG ]]; then mv -f "$PG_LOG" "$PG_LOG.1"; fi  # keep the previous run's log for one restart
  # No `pg_ctl -l`: the server writes to the log file opened here, by us, so it lands in the state
  # dir even when user postgres cannot reach it. -W: our own wait below shows progress.
  as_pg "$bindir/pg_ctl" start -W -D "$data" -o "-c listen_addresses=$listen -p $PG_PORT -k '$home'" \
    </dev/null >>"$PG_LOG" 2>&1 || die postgres "pg_ctl could not start the server, see $PG_LOG; fix the cause, then rerun"
  marker_write postgres "port=$PG_PORT" "data=$data" "bindir=$bindir"
  PG_STARTED_AT=$SECONDS
  wait_until postgres "$PG_HOST:$PG_PORT" pg_answering pg_starting || rc=$?
  if ((rc != 0)); then
    tail -n 15 "$PG_LOG" >&2
    if ((rc == 1)); then pg_stop_ours || true; else marker_clear postgres; fi
    die postgres "the server did not come up (log: $PG_LOG). If another program holds port $PG_PORT, \
choose a free one with PGPORT; if it was only slow, raise PARLEY_START_TIMEOUT (now $START_TIMEOUT s); \
else fix what the log says; then rerun"
  fi
  out=$(pg_login_check) || die postgres "started, but user postgres cannot log in: $out (see $data/pg_hba.conf)"
  log postgres "started parley's PostgreSQL $(basename "${bindir%/bin}") at $PG_HOST:$PG_PORT (data: $data, log: $PG_LOG)"
}

# During the wait: the postmaster writes its pid file a moment after pg_ctl returns, so allow 5 s.
pg_starting() { pg_our_pid >/dev/null || ((SECONDS - PG_STARTED_AT < 5)); }

pg_stop_ours() {
  as_pg "$(marker_get postgres bindir)/pg_ctl" stop -D "$(marker_get postgres data)" -m fast -w -t 60 \
    </dev/null >>"$PG_LOG" 2>&1 && marker_clear postgres
}

pg_up() {
  local pid
  mkdir -p "$PG_STATE"
  if pg_answering; then
    if pid=$(pg_our_pid) && [[ $(marker_get postgres port) == "$PG_PORT" ]]; then
      log postgres "already running at $PG_HOST:$PG_PORT (started by parley, pid $pid)"
    else pg_use_running; fi
    return 0
  fi
  is_local_host "$PG_HOST" || die postgres "nothing answers at $PG_HOST:$PG_PORT, and parley starts servers only \
on this machine: start that server, or unset PGHOST to use 127.0.0.1"
  if port_open "$PG_HOST" "$PG_PORT"; then
    die postgres "a program holds $PG_HOST:$PG_PORT but does not accept PostgreSQL connections (another \
program, or a PostgreSQL starting or stopping): set PGPORT to a free port, or retry in a moment"
  fi
  if pid=$(pg_our_pid); then
    die postgres "parley's server already runs on port $(marker_get postgres port) (pid $pid): set PGPORT to that, \
or run 'ops/services down postgres' first"
  fi
  if [[ -z $(pg_find_bindir) ]]; then
    pg_install
    if pg_answering; then pg_use_running; return 0; fi  # the install may have started a server
    [[ -n $(pg_find_bindir) ]] || die postgres "installed, yet no server binaries under $PG_LIBROOT/*/bin: \
see $PARLEY_STATE/apt.log, install them yourself (apt-get install postgresql), then rerun"
  fi
  pg_start
}

pg_down() {
  local pid
  if pid=$(pg_our_pid); then
    log postgres "stopping parley's PostgreSQL (pid $pid, port $(marker_get postgres port)) ..."
    pg_stop_ours || { err postgres "pg_ctl stop failed, see $PG_LOG; stop it yourself (kill $pid), then rerun"; return 1; }
    log postgres "stopped"
  elif [[ -f $(marker_file postgres) ]]; then
    marker_clear postgres
    log postgres "parley's server was not running; nothing stopped"
  elif pg_answering; then log postgres "not started by parley, left running ($PG_HOST:$PG_PORT)"
  else log postgres "nothing started by parley is running; nothing stopped"; fi
}

pg_status() {
  local pid addr=$PG_HOST:$PG_PORT ours=
  if pid=$(pg_our_pid); then ours=$(marker_get postgres port); fi
  if pg_answering; then
    if [[ $ours == "$PG_PORT" ]]; then status_line postgres "$addr" "answering (started by parley, pid $pid)"
    else status_line postgres "$addr" "answering (not started by parley)"; fi
    return 0
  fi
  local hint="parley's server runs on port $ours: set PGPORT=$ours"
  status_line postgres "$addr" "not answering${ours:+ ($hint)}"
  return 1
}
