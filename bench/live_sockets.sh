#!/usr/bin/env bash
# Live sync at scale (issue 14), loopback only, every process stopped at the end:
#  - SOCKETS (10,000) authenticated idle WebSockets on one instance (B): its RSS growth per
#    socket, against a Node `ws` server (bench/live_ws_baseline.cjs) holding as many idle
#    sockets in the same run (target: half of Node's figure or less);
#  - the database round trips per second B makes while it holds them (target: one state
#    read per LIVE_POLL_INTERVAL, plus one session check per SESSION_CACHE_TTL);
#  - the time from an upload's answer to the notification on another socket of the same
#    user: uploads on B (same instance) and on A (another instance on the same tursodb).
# Two servers (A, B) share one local tursodb; the client is bench/live_sockets.cjs.
#
# usage: bench/live_sockets.sh [server binary] [sockets, default 10000]
set -euo pipefail
BIN=${1:-build/release/src/app/howlerops-server}
SOCKETS=${2:-10000}
USERS=$(( (SOCKETS + 3) / 4 ))  # four devices per user (LIVE_MAX_PER_USER is 8)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TURSODB=$ROOT/.tools/node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb
[[ "$BIN" = /* ]] || BIN="$ROOT/$BIN"
[ -x "$BIN" ] || { echo "no server binary at $BIN" >&2; exit 1; }
[ -x "$TURSODB" ] || { echo "no tursodb (run scripts/setup.sh)" >&2; exit 1; }
[ -f "$ROOT/.tools/node_modules/ws/package.json" ] || { echo "no ws (run scripts/setup.sh)" >&2; exit 1; }
# Each process holds SOCKETS descriptors plus its own: raise the soft limit, or refuse.
ulimit -n "$(ulimit -Hn)"
NEED=$((SOCKETS + 1024))
[ "$(ulimit -n)" -ge "$NEED" ] || { echo "ulimit -n $(ulimit -n) < $NEED" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for file in "$WORK"/*.pid; do [ -f "$file" ] && PIDS+=("$(cat "$file")"); done
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

TURSO_PORT=$(free_port)
"$TURSODB" "$WORK/remote.db" --sync-server "127.0.0.1:$TURSO_PORT" >"$WORK/tursodb.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 50); do curl -s "http://127.0.0.1:$TURSO_PORT/v2" >/dev/null 2>&1 && break; sleep 0.1; done

start_server() {  # name -> prints "http_port metrics_port pid"
  local http metrics grpc
  http=$(free_port); metrics=$(free_port); grpc=$(free_port)
  mkdir -p "$WORK/$1"
  (cd "$WORK/$1" && ENVIRONMENT=test SERVER_HOST=127.0.0.1 SERVER_HTTP_PORT=$http \
    SERVER_GRPC_PORT=$grpc SERVER_METRICS_PORT=$metrics TURSO_URL="http://127.0.0.1:$TURSO_PORT" \
    TURSO_AUTH_TOKEN=bench DATA_DIR="$WORK/$1" LOG_LEVEL=warn \
    JWT_SECRET="live-sockets-bench-secret-0123456789abcdefghijk" \
    PASSWORD_HASH_MEMORY_KIB=8 PASSWORD_HASH_ITERATIONS=1 \
    RATE_LIMIT_AUTH_PER_MIN=100000000 RATE_LIMIT_SYNC_PER_MIN=100000000 \
    SYNC_DEVICE_FLUSH_INTERVAL=1h LIVE_POLL_INTERVAL=1s SESSION_CACHE_TTL=10s \
    exec "$BIN" serve >"$WORK/$1.log" 2>&1) &
  echo "$!" >"$WORK/$1.pid"
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$http/ready" >/dev/null || { cat "$WORK/$1.log" >&2; exit 1; }
  echo "$http $metrics $(cat "$WORK/$1.pid")"
}
read -r A_HTTP _ _ < <(start_server a)
read -r B_HTTP B_METRICS B_PID < <(start_server b)

NODE_PORT=$(free_port)
NODE_PATH="$ROOT/.tools/node_modules" node "$ROOT/bench/live_ws_baseline.cjs" "$NODE_PORT" \
  >"$WORK/node.log" 2>&1 &
echo "$!" >"$WORK/node.pid"
NODE_PID=$!
for _ in $(seq 1 50); do grep -q ready "$WORK/node.log" && break; sleep 0.1; done

echo "live_sockets: $SOCKETS sockets, $USERS users; server B pid $B_PID, node ws pid $NODE_PID"
A_HTTP=$A_HTTP B_HTTP=$B_HTTP B_METRICS=$B_METRICS B_PID=$B_PID NODE_PORT=$NODE_PORT \
  NODE_PID=$NODE_PID SOCKETS=$SOCKETS USERS=$USERS NODE_PATH="$ROOT/.tools/node_modules" \
  timeout 900 node "$ROOT/bench/live_sockets.cjs" | tee "$WORK/result.json"
python3 - "$WORK/result.json" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
s, n = r["server_rss_kib"], r["node_ws_rss_kib"]
print(f"idle sockets: {r['sockets']} ({r['users']} users)")
print(f"  server RSS {s['before']} -> {s['after']} KiB: {s['per_socket_kib']:.2f} KiB/socket")
print(f"  node ws RSS {n['before']} -> {n['after']} KiB: {n['per_socket_kib']:.2f} KiB/socket")
print(f"  server/node: {r['server_vs_node']:.2f} (target <= 0.5)")
d = r["db_with_listeners"]
print(f"database with {d['listeners']} listeners over {d['window_s']:.1f} s: "
      f"{d['roundtrips_per_s']:.2f} round trips/s, {d['polls_per_s']:.2f} state polls/s, "
      f"{d['session_checks']} session checks; one state poll takes {d['poll_mean_ms']:.1f} ms")
for k in ("same_instance", "across_instances"):
    l = r[k]
    print(f"notify latency {k}: p50 {l['p50_ms']:.2f} ms, p99 {l['p99_ms']:.2f} ms "
          f"(min {l['min_ms']:.2f}, max {l['max_ms']:.2f}, {l['samples']} uploads)")
PY
