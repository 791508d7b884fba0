#!/usr/bin/env bash
# Load test: GET /health of howlerops-server against nginx returning a fixed JSON body
# on another loopback port, measured in the same run with the same wrk settings, and the
# ratio printed. Also reports the server's idle RSS. Loopback only; bounded in time.
#
# usage: bench/health_vs_nginx.sh [path/to/howlerops-server] [duration_s] [connections]
set -euo pipefail
BIN=${1:-build/release/src/app/howlerops-server}
DURATION=${2:-10}
CONNS=${3:-64}
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup.sh" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
SERVER_PID=""; NGINX_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

HTTP=$(free_port); GRPC=$(free_port); METRICS=$(free_port); NGX=$(free_port)
ENVIRONMENT=test SERVER_HOST=127.0.0.1 SERVER_HTTP_PORT=$HTTP SERVER_GRPC_PORT=$GRPC \
  SERVER_METRICS_PORT=$METRICS TURSO_URL="file:$WORK/bench.db" DATA_DIR="$WORK" LOG_LEVEL=warn \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx;
  fastcgi_temp_path $WORK/nginx; uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  server {
    listen 127.0.0.1:$NGX;
    location / { default_type application/json; return 200 '{"status":"healthy","service":"backend"}'; }
  }
}
CONF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$HTTP/ready" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$NGX/" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$HTTP/ready" >/dev/null || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }

sleep 1
IDLE_RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)

run_wrk() {  # url -> "rps p99_ms"
  local out; out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$1")
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  local p99; p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  local ms; ms=$(awk -v v="$p99" 'BEGIN { if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v} else {sub(/s/,"",v); print v*1000} }')
  echo "$rps $ms"
}

read -r NGX_RPS NGX_P99 < <(run_wrk "http://127.0.0.1:$NGX/")
read -r SRV_RPS SRV_P99 < <(run_wrk "http://127.0.0.1:$HTTP/health")
LOAD_RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)
RATIO=$(awk -v a="$SRV_RPS" -v b="$NGX_RPS" 'BEGIN { printf "%.2f", a/b }')

echo "wrk -t2 -c$CONNS -d${DURATION}s, loopback"
printf '%-28s %12s req/s   p99 %8s ms\n' "nginx fixed body" "$NGX_RPS" "$NGX_P99"
printf '%-28s %12s req/s   p99 %8s ms\n' "howlerops-server /health" "$SRV_RPS" "$SRV_P99"
echo "ratio server/nginx: $RATIO (target >= 0.50; p99 target < 10 ms)"
echo "server RSS: idle $((IDLE_RSS_KB / 1024)) MiB (target < 30 MiB), after load $((LOAD_RSS_KB / 1024)) MiB"
