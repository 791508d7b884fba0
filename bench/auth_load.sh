#!/usr/bin/env bash
# Auth load scenarios, each against a baseline measured in the same run (loopback only,
# every wrk run bounded in time):
#   1. login throughput vs raw Argon2id hashes/s (same parameters, one thread per core)
#   2. GET /api/auth/me vs nginx returning a fixed body
#   3. refresh requests/s (16 sessions, each presenting its newest token)
#   4. /health p99 while a login flood saturates the hash pool, and RSS during the flood
#
# usage: bench/auth_load.sh [build dir, default build/release] [seconds per run, default 8]
set -euo pipefail
BUILD=${1:-build/release}
DURATION=${2:-8}
BIN=$BUILD/src/app/howlerops-server
HASH_RATE=$BUILD/bench/hash_rate
HERE=$(cd "$(dirname "$0")" && pwd)
MEMORY_KIB=${PASSWORD_HASH_MEMORY_KIB:-19456}
ITERATIONS=${PASSWORD_HASH_ITERATIONS:-2}
CORES=$(nproc)
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

HTTP=$(free_port); GRPC=$(free_port); METRICS=$(free_port); NGX=$(free_port)
ENVIRONMENT=test SERVER_HOST=127.0.0.1 SERVER_HTTP_PORT=$HTTP SERVER_GRPC_PORT=$GRPC \
  SERVER_METRICS_PORT=$METRICS TURSO_URL="file:$WORK/bench.db" DATA_DIR="$WORK" LOG_LEVEL=warn \
  PASSWORD_HASH_MEMORY_KIB=$MEMORY_KIB PASSWORD_HASH_ITERATIONS=$ITERATIONS \
  RATE_LIMIT_AUTH_PER_MIN=100000000 HASH_QUEUE=64 \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!; PIDS+=("$SERVER_PID")
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2; daemon off; pid $WORK/nginx/nginx.pid; error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http { access_log off;
  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;
  server { listen 127.0.0.1:$NGX;
    location / { default_type application/json; return 200 '{"user":{"id":"x","username":"bench-user"}}'; } } }
CONF
"$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" & PIDS+=("$!")
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$HTTP/ready" >/dev/null 2>&1 && break; sleep 0.1; done

API="http://127.0.0.1:$HTTP/api/auth"
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
curl -fs -X POST "$API/signup" -H 'Content-Type: application/json' \
  -d '{"username":"bench-user","email":"bench@example.com","password":"bench password 1"}' >"$WORK/signup.json"
ACCESS=$(json_field token <"$WORK/signup.json")
TOKENS=""
for _ in $(seq 1 16); do
  t=$(curl -fs -X POST "$API/login" -H 'Content-Type: application/json' \
      -d '{"username":"bench-user","password":"bench password 1"}' | json_field refresh_token)
  TOKENS="${TOKENS:+$TOKENS,}$t"
done

rps() { awk '/Requests\/sec/ {print $2}'; }
non2xx() { awk '/Non-2xx/ {n=$5} END {print n+0}'; }
p99_ms() { awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v} else {sub(/s/,"",v); print v*1000}}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a/b }'; }

echo "== 1. login throughput vs raw Argon2id (m=${MEMORY_KIB} KiB, t=${ITERATIONS}, ${CORES} threads)"
RAW=$("$HASH_RATE" "$MEMORY_KIB" "$ITERATIONS" "$CORES" "$DURATION" | awk '{print $2}')
wrk -t2 -c8 -d"${DURATION}s" -s "$HERE/lua/login.lua" "http://127.0.0.1:$HTTP" >"$WORK/login.txt"
NON2XX=$(non2xx <"$WORK/login.txt")
LOGIN=$(awk -v bad="$NON2XX" '/requests in/ {n=$1; d=$4; sub(/s,?/,"",d); printf "%.1f", (n-bad)/d}' "$WORK/login.txt")
echo "raw hashes/s: $RAW   successful logins/s: $LOGIN (failed: $NON2XX)   ratio: $(ratio "$LOGIN" "$RAW") (target >= 0.8)"

echo "== 4. /health while a login flood (32 connections) saturates the hash pool"
( while kill -0 "$SERVER_PID" 2>/dev/null; do awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status; sleep 0.2; done ) >"$WORK/rss.txt" &
SAMPLER=$!
wrk -t1 -c32 -d"${DURATION}s" -s "$HERE/lua/login.lua" "http://127.0.0.1:$HTTP" >"$WORK/flood.txt" &
FLOOD=$!
sleep 1
wrk -t1 -c4 -d"$((DURATION - 2))s" --latency "http://127.0.0.1:$HTTP/health" >"$WORK/health.txt"
wait "$FLOOD"
kill "$SAMPLER" 2>/dev/null || true
echo "/health p99 $(p99_ms <"$WORK/health.txt") ms (target < 20 ms) at $(rps <"$WORK/health.txt") req/s;" \
  "flood: $(rps <"$WORK/flood.txt") login req/s, $(non2xx <"$WORK/flood.txt") answered 503 (hash queue full)"
MAX_RSS=$(sort -n "$WORK/rss.txt" | tail -1)
BOUND=$(( (CORES * MEMORY_KIB) / 1024 ))
echo "RSS during the flood: max $((MAX_RSS / 1024)) MiB (hash pool ${CORES} x $((MEMORY_KIB / 1024)) MiB = ${BOUND} MiB over the idle RSS)"

echo "== 2. GET /api/auth/me vs nginx fixed body (wrk -t2 -c64)"
NGX_RPS=$(wrk -t2 -c64 -d"${DURATION}s" "http://127.0.0.1:$NGX/" | rps)
ME_RPS=$(wrk -t2 -c64 -d"${DURATION}s" -H "Authorization: Bearer $ACCESS" "$API/me" | rps)
echo "nginx: $NGX_RPS req/s   /me: $ME_RPS req/s   ratio: $(ratio "$ME_RPS" "$NGX_RPS") (target >= 0.5)"

echo "== 3. refresh (16 sessions, wrk -t16 -c16)"
REFRESH_TOKENS="$TOKENS" wrk -t16 -c16 -d"${DURATION}s" -s "$HERE/lua/refresh.lua" "http://127.0.0.1:$HTTP" >"$WORK/refresh.txt"
echo "refresh: $(rps <"$WORK/refresh.txt") req/s (target >= 5000), non-2xx: $(non2xx <"$WORK/refresh.txt")"
