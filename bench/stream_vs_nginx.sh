#!/usr/bin/env bash
# Streaming throughput: a 1 GiB generated body through GET /api/diagnostics/stream
# (chunked, 64 KiB chunks, pulled as written) against nginx serving a 1 GiB file (sparse,
# sendfile on) on another loopback port, measured in the same run with the same client
# (curl -o /dev/null), best of RUNS for each; the ratio is printed. Also reports the
# server's RSS before and after. Loopback only; every curl is bounded by --max-time; the
# processes started here are stopped on exit.
#
# usage: bench/stream_vs_nginx.sh [path/to/howlerops-server] [runs] [size_bytes]
set -euo pipefail
BIN=${1:-build/release/src/app/howlerops-server}
RUNS=${2:-3}
SIZE=${3:-1073741824}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v curl >/dev/null || { echo "curl is missing" >&2; exit 1; }

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
  DIAGNOSTIC_ROUTES=true RATE_LIMIT_AUTH_PER_MIN=1000 \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

mkdir -p "$WORK/nginx" "$WORK/www"
truncate -s "$SIZE" "$WORK/www/big.bin"
chmod a+rx "$WORK" "$WORK/www" && chmod a+r "$WORK/www/big.bin"  # nginx workers run as nobody
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx;
  fastcgi_temp_path $WORK/nginx; uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  server {
    listen 127.0.0.1:$NGX;
    root $WORK/www;
  }
}
CONF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$HTTP/ready" >/dev/null 2>&1 && curl -fsI "http://127.0.0.1:$NGX/big.bin" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "http://127.0.0.1:$HTTP/ready" >/dev/null || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }

TOKEN=$(curl -fs --max-time 10 -X POST -H 'Content-Type: application/json' \
  -d '{"username":"streambench","email":"streambench@example.com","password":"stream bench password"}' \
  "http://127.0.0.1:$HTTP/api/auth/signup" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || { echo "signup failed"; cat "$WORK/server.log"; exit 1; }

sleep 1
IDLE_RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)

best_speed() {  # url [header] -> best bytes/s over RUNS; fails unless every run got SIZE bytes
  local best=0 out size speed
  for _ in $(seq 1 "$RUNS"); do
    out=$(curl -s --max-time 120 -o /dev/null -w '%{size_download} %{speed_download}' ${2:+-H "$2"} "$1")
    read -r size speed <<<"$out"
    [ "$size" = "$SIZE" ] || { echo "short body from $1: $size bytes" >&2; exit 1; }
    best=$(awk -v a="$best" -v b="$speed" 'BEGIN { print (b > a) ? b : a }')
  done
  echo "$best"
}

NGX_BPS=$(best_speed "http://127.0.0.1:$NGX/big.bin")
SRV_BPS=$(best_speed "http://127.0.0.1:$HTTP/api/diagnostics/stream?bytes=$SIZE" "Authorization: Bearer $TOKEN")
LOAD_RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)
RATIO=$(awk -v a="$SRV_BPS" -v b="$NGX_BPS" 'BEGIN { printf "%.2f", a/b }')

echo "curl -o /dev/null, $SIZE bytes, best of $RUNS, loopback"
printf '%-36s %10.0f MB/s\n' "nginx sendfile (sparse file)" "$(awk -v v="$NGX_BPS" 'BEGIN { print v/1e6 }')"
printf '%-36s %10.0f MB/s\n' "howlerops-server diagnostics/stream" "$(awk -v v="$SRV_BPS" 'BEGIN { print v/1e6 }')"
echo "ratio server/nginx: $RATIO (target >= 0.50)"
echo "server RSS: idle $((IDLE_RSS_KB / 1024)) MiB, after streaming $((LOAD_RSS_KB / 1024)) MiB"
