# shellcheck shell=bash
# A local Redis Cluster for Parley: 3 masters, each with 1 replica (6 redis-server processes on loopback,
# no persistence), made with `redis-cli --cluster create`. Never the default: `ops/services up redis-cluster`
# asks for it, and tests start their own on free ports (api/test/support/redis-cluster.ts). Sourced by
# ops/services; uses lib/common.sh.
#
# Env: REDIS_CLUSTER_PORTS (6 client ports, comma-separated; default 7001–7006; the first three start as
# masters), REDIS_CLUSTER_BUS_PORTS (their cluster-bus ports; default each port + 10000),
# REDIS_CLUSTER_NODE_TIMEOUT (ms a master may be silent before its replica takes over; default 2000).

RC_HOST=127.0.0.1
IFS=, read -r -a RC_PORTS <<<"${REDIS_CLUSTER_PORTS:-7001,7002,7003,7004,7005,7006}"
if [[ -n ${REDIS_CLUSTER_BUS_PORTS:-} ]]; then IFS=, read -r -a RC_BUS <<<"$REDIS_CLUSTER_BUS_PORTS"
else RC_BUS=(); for p in "${RC_PORTS[@]}"; do RC_BUS+=($((p + 10000))); done; fi
RC_TIMEOUT=${REDIS_CLUSTER_NODE_TIMEOUT:-2000}
RC_STATE=$PARLEY_STATE/redis-cluster

rc_cli() { redis-cli -h "$RC_HOST" -p "$1" "${@:2}" 2>/dev/null; }
rc_pid_of() { cat "$RC_STATE/$1/redis.pid" 2>/dev/null; }
# Alive and a redis-server on that port (guards against a recycled pid).
rc_ours() { local pid; pid=$(rc_pid_of "$1") && alive_as "$pid" redis-server && alive_as "$pid" ":$1"; }
rc_state_ok() { [[ $(rc_cli "$1" cluster info | tr -d '\r' | sed -n 's/^cluster_state://p') == ok ]]; }
rc_all_ok() { local p; for p in "${RC_PORTS[@]}"; do rc_state_ok "$p" || return 1; done; }
rc_any_ours() { local p; for p in "${RC_PORTS[@]}"; do rc_ours "$p" && return 0; done; return 1; }
rc_all_ours() { local p; for p in "${RC_PORTS[@]}"; do rc_ours "$p" || return 1; done; }

rc_start_node() {
  local port=$1 bus=$2 dir=$RC_STATE/$1
  rm -rf "$dir" && mkdir -p "$dir"
  redis-server --daemonize yes --bind "$RC_HOST" --port "$port" --cluster-enabled yes \
    --cluster-port "$bus" --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout "$RC_TIMEOUT" \
    --save "" --appendonly no --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" </dev/null \
    || die redis-cluster "redis-server on port $port would not start, see $dir/redis.log"
}

rc_up() {
  local i p addrs=()
  ((${#RC_PORTS[@]} == 6 && ${#RC_BUS[@]} == 6)) \
    || die redis-cluster "REDIS_CLUSTER_PORTS (and REDIS_CLUSTER_BUS_PORTS) must list 6 ports: 3 masters, 3 replicas"
  mkdir -p "$RC_STATE"
  if rc_all_ours && rc_all_ok; then
    log redis-cluster "already running on ports ${RC_PORTS[*]} (started by parley)"
    return 0
  fi
  rc_any_ours && die redis-cluster "a partial parley cluster runs under $RC_STATE: run 'ops/services down redis-cluster' first"
  command -v redis-server >/dev/null || apt_install redis-cluster redis-server || exit 1
  for i in "${!RC_PORTS[@]}"; do
    port_open "$RC_HOST" "${RC_PORTS[i]}" && die redis-cluster "port ${RC_PORTS[i]} is taken: choose free ones with REDIS_CLUSTER_PORTS"
    port_open "$RC_HOST" "${RC_BUS[i]}" && die redis-cluster "bus port ${RC_BUS[i]} is taken: choose free ones with REDIS_CLUSTER_BUS_PORTS"
  done
  for i in "${!RC_PORTS[@]}"; do rc_start_node "${RC_PORTS[i]}" "${RC_BUS[i]}"; done
  marker_write redis-cluster "ports=${RC_PORTS[*]}"
  for p in "${RC_PORTS[@]}"; do
    RC_WAIT_PORT=$p
    wait_until redis-cluster "$RC_HOST:$p" rc_ping_one rc_alive_one >/dev/null || { rc_down; die redis-cluster "node $p did not start, see $RC_STATE/$p/redis.log"; }
    addrs+=("$RC_HOST:$p")
  done
  # The first three become masters, each of the next three a replica of one of them.
  redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >"$RC_STATE/create.log" 2>&1 \
    || { tail -n 15 "$RC_STATE/create.log" >&2; rc_down; die redis-cluster "redis-cli --cluster create failed (log above)"; }
  wait_until redis-cluster "every node with cluster_state:ok" rc_all_ok rc_any_ours \
    || { rc_down; die redis-cluster "the cluster did not reach state ok (logs: $RC_STATE/*/redis.log)"; }
  log redis-cluster "started a 3-master cluster with 3 replicas on $RC_HOST ports ${RC_PORTS[*]} (no persistence)"
}
rc_ping_one() { [[ $(rc_cli "$RC_WAIT_PORT" ping) == PONG ]]; }
rc_alive_one() { rc_ours "$RC_WAIT_PORT"; }

rc_down() {
  local p pid any=
  for p in "${RC_PORTS[@]}"; do
    if rc_ours "$p"; then
      any=1
      pid=$(rc_pid_of "$p")
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for p in "${RC_PORTS[@]}"; do
    pid=$(rc_pid_of "$p") || continue
    for _ in 1 2 3 4 5 6 7 8 9 10; do alive "$pid" || break; sleep 0.5; done
    alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  done
  marker_clear redis-cluster
  if [[ -n $any ]]; then log redis-cluster "stopped parley's cluster (ports ${RC_PORTS[*]})"
  else log redis-cluster "nothing started by parley is running; nothing stopped"; fi
}

rc_status() {
  local p masters=0 up=0 ok=
  for p in "${RC_PORTS[@]}"; do
    [[ $(rc_cli "$p" ping) == PONG ]] && up=$((up + 1))
    [[ $(rc_cli "$p" role | head -n1) == master ]] && masters=$((masters + 1))
    rc_state_ok "$p" && ok=1
  done
  if [[ -n $ok ]]; then
    status_line redis-cluster "$RC_HOST:${RC_PORTS[0]}" "answering, state ok ($up of 6 nodes up, $masters masters)"
  else
    status_line redis-cluster "$RC_HOST:${RC_PORTS[0]}" "not answering with state ok ($up of 6 nodes up)"
    return 1
  fi
}
