#!/usr/bin/env bash
# GetProfile over gRPC against GET /api/auth/me over HTTP: one server, one account, one
# run, the same number of requests in flight, and the ratio printed. Both paths call the
# same AuthService::Authenticate + Profile, so the difference is the transport.
# Loopback only; the server is started and stopped here; every run is bounded in time.
# The load generators (wrk, grpc_profile_load) share the machine's cores with the server,
# so the server's CPU time per request is printed too. gRPC Health/Check on the same
# server is the floor of the gRPC transport alone.
#
# usage: bench/grpc_vs_http_profile.sh [build dir, default build/release] [seconds per run,
#        default 8] [requests in flight, default 16]
set -euo pipefail
BUILD=${1:-build/release}
DURATION=${2:-8}
IN_FLIGHT=${3:-16}
BIN=$BUILD/src/app/howlerops-server
LOAD=$BUILD/bench/grpc_profile_load
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup.sh" >&2; exit 1; }
[ -x "$LOAD" ] || { echo "$LOAD is missing: cmake --build $BUILD --target grpc_profile_load" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

HTTP=$(free_port); GRPC=$(free_port); METRICS=$(free_port)
ENVIRONMENT=test SERVER_HOST=127.0.0.1 SERVER_HTTP_PORT=$HTTP SERVER_GRPC_PORT=$GRPC \
  SERVER_METRICS_PORT=$METRICS TURSO_URL="file:$WORK/bench.db" DATA_DIR="$WORK" LOG_LEVEL=warn \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$HTTP/ready" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$HTTP/ready" >/dev/null || { echo "server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }

TOKEN=$(curl -fs -X POST "http://127.0.0.1:$HTTP/api/auth/signup" -H 'Content-Type: application/json' \
  -d '{"username":"bench-profile","email":"bench-profile@example.com","password":"bench password 1"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

echo "== GetProfile: $IN_FLIGHT requests in flight, ${DURATION}s per transport, $(nproc) cores shared with the load generators"
# Warm-up (connections, caches), not reported.
wrk -t2 -c"$IN_FLIGHT" -d1s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$HTTP/api/auth/me" >/dev/null
"$LOAD" "127.0.0.1:$GRPC" "$TOKEN" 1 2 "$IN_FLIGHT" >/dev/null

# Server CPU time (user + system, clock ticks) so far: per request it is the transport's
# cost independent of what else the machine runs.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICK_US=$(awk -v hz="$(getconf CLK_TCK)" 'BEGIN { print 1000000 / hz }')
per_request_us() { awk -v t="$1" -v n="$2" -v us="$TICK_US" 'BEGIN { printf "%.0f", t * us / n }'; }

T0=$(cpu_ticks)
wrk -t2 -c"$IN_FLIGHT" -d"${DURATION}s" -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$HTTP/api/auth/me" >"$WORK/http.txt"
T1=$(cpu_ticks)
HTTP_RPS=$(awk '/Requests\/sec/ {print $2}' "$WORK/http.txt")
HTTP_N=$(awk '/requests in/ {print $1}' "$WORK/http.txt")
HTTP_BAD=$(awk '/Non-2xx/ {n=$5} END {print n+0}' "$WORK/http.txt")
GRPC_OUT=$("$LOAD" "127.0.0.1:$GRPC" "$TOKEN" "$DURATION" 2 "$IN_FLIGHT")
T2=$(cpu_ticks)
GRPC_RPS=$(echo "$GRPC_OUT" | awk '{print $2}')
GRPC_N=$(echo "$GRPC_OUT" | awk '{print $4}')
GRPC_BAD=$(echo "$GRPC_OUT" | awk '{print $6}')
FLOOR_OUT=$("$LOAD" "127.0.0.1:$GRPC" - "$DURATION" 2 "$IN_FLIGHT")
T3=$(cpu_ticks)

echo "HTTP GET /api/auth/me: $HTTP_RPS requests/s (non-2xx: $HTTP_BAD), server CPU $(per_request_us $((T1 - T0)) "$HTTP_N") us/request"
echo "gRPC GetProfile:       $GRPC_RPS calls/s (failed: $GRPC_BAD), server CPU $(per_request_us $((T2 - T1)) "$GRPC_N") us/call"
echo "gRPC Health/Check:     $(echo "$FLOOR_OUT" | awk '{print $2}') calls/s, server CPU $(per_request_us $((T3 - T2)) "$(echo "$FLOOR_OUT" | awk '{print $4}')") us/call (gRPC floor: no wrapper, no auth, no database)"
awk -v g="$GRPC_RPS" -v h="$HTTP_RPS" 'BEGIN { printf "gRPC / HTTP throughput: %.2f\n", g / h }'
