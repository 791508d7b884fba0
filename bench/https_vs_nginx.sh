#!/usr/bin/env bash
# Load test over TLS: GET /api/auth/me of howlerops-server with TLS_CERT_FILE/TLS_KEY_FILE
# against nginx with TLS returning a fixed JSON body of the same size class, both with the
# same certificate (a P-256 key made here with openssl), measured in the same run with the
# same wrk settings (keep-alive, so the handshake cost is paid once per connection), and
# the ratio printed. Loopback only; bounded in time.
#
# usage: bench/https_vs_nginx.sh [path/to/howlerops-server] [duration_s] [connections]
set -euo pipefail
BIN=${1:-build/release/src/app/howlerops-server}
DURATION=${2:-10}
CONNS=${3:-64}
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup.sh" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl is missing: run scripts/setup.sh" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# One self-signed certificate for 127.0.0.1, used by both servers; curl trusts it as CA.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$WORK/tls.key" -out "$WORK/tls.crt" 2>/dev/null

HTTP=$(free_port); GRPC=$(free_port); METRICS=$(free_port); NGX=$(free_port)
ENVIRONMENT=test SERVER_HOST=127.0.0.1 SERVER_HTTP_PORT=$HTTP SERVER_GRPC_PORT=$GRPC \
  SERVER_METRICS_PORT=$METRICS TURSO_URL="file:$WORK/bench.db" DATA_DIR="$WORK" LOG_LEVEL=warn \
  TLS_CERT_FILE="$WORK/tls.crt" TLS_KEY_FILE="$WORK/tls.key" \
  PASSWORD_HASH_MEMORY_KIB=1024 PASSWORD_HASH_ITERATIONS=1 \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!; PIDS+=("$SERVER_PID")

mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2; daemon off; pid $WORK/nginx/nginx.pid; error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http { access_log off;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  server { listen 127.0.0.1:$NGX ssl;
    ssl_certificate $WORK/tls.crt; ssl_certificate_key $WORK/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { default_type application/json;
      add_header Strict-Transport-Security "max-age=31536000" always;
      return 200 '{"user":{"id":"x","username":"bench-user","email":"bench@example.com"}}'; } } }
CONF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" & PIDS+=("$!")

CURL=(curl -fs --cacert "$WORK/tls.crt")
for _ in $(seq 1 100); do
  "${CURL[@]}" "https://127.0.0.1:$HTTP/ready" >/dev/null 2>&1 &&
    "${CURL[@]}" "https://127.0.0.1:$NGX/" >/dev/null 2>&1 && break
  sleep 0.1
done
"${CURL[@]}" "https://127.0.0.1:$HTTP/ready" >/dev/null || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }
"${CURL[@]}" "https://127.0.0.1:$NGX/" >/dev/null || { echo "nginx did not start"; cat "$WORK/nginx/error.log"; exit 1; }

API="https://127.0.0.1:$HTTP/api/auth"
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
ACCESS=$("${CURL[@]}" -X POST "$API/signup" -H 'Content-Type: application/json' \
  -d '{"username":"bench-user","email":"bench@example.com","password":"bench password 1"}' | json_field token)
"${CURL[@]}" -H "Authorization: Bearer $ACCESS" "$API/me" >/dev/null || { echo "/me failed"; exit 1; }

run_wrk() {  # url [header] -> "rps p99_ms"
  local args=(-t2 -c"$CONNS" -d"${DURATION}s" --latency)
  if [ -n "${2:-}" ]; then args+=(-H "$2"); fi
  local out; out=$(wrk "${args[@]}" "$1")
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  local p99; p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  local ms; ms=$(awk -v v="$p99" 'BEGIN { if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v} else {sub(/s/,"",v); print v*1000} }')
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers from $1:" >&2; echo "$out" >&2; rps=0; fi
  echo "$rps $ms"
}

read -r NGX_RPS NGX_P99 < <(run_wrk "https://127.0.0.1:$NGX/")
read -r SRV_RPS SRV_P99 < <(run_wrk "$API/me" "Authorization: Bearer $ACCESS")
RATIO=$(awk -v a="$SRV_RPS" -v b="$NGX_RPS" 'BEGIN { printf "%.2f", a/b }')

echo "wrk -t2 -c$CONNS -d${DURATION}s, keep-alive, loopback, TLS (P-256 certificate)"
printf '%-34s %12s req/s   p99 %8s ms\n' "nginx TLS fixed body" "$NGX_RPS" "$NGX_P99"
printf '%-34s %12s req/s   p99 %8s ms\n' "howlerops-server TLS /api/auth/me" "$SRV_RPS" "$SRV_P99"
echo "ratio server/nginx: $RATIO (target >= 0.50)"
