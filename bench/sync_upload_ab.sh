#!/usr/bin/env bash
# A/B of two server binaries on the upload path: 16 users, one device each, POSTing
# 100-change uploads (bench/lua/sync_upload.lua) for a fixed time, each binary on a fresh
# embedded database, the two runs interleaved ROUNDS times so that the machine's drift
# falls on both. Prints, per run, changes/s and the server's CPU per change (from
# /proc/PID/stat), then the medians. The per-change CPU is the steadier figure on a
# shared machine: throughput also moves with what else runs there.
# Every wrk run is bounded in time, loopback only; every server started is stopped.
#
# usage: bench/sync_upload_ab.sh BINARY_A BINARY_B [rounds, default 4] [seconds, default 8]
set -euo pipefail
A=${1:?usage: bench/sync_upload_ab.sh BINARY_A BINARY_B [rounds] [seconds]}
B=${2:?usage: bench/sync_upload_ab.sh BINARY_A BINARY_B [rounds] [seconds]}
ROUNDS=${3:-4}
DURATION=${4:-8}
USERS=16
HERE=$(cd "$(dirname "$0")" && pwd)
for bin in "$A" "$B"; do [ -x "$bin" ] || { echo "no server binary at $bin" >&2; exit 1; }; done
command -v wrk >/dev/null || { echo "wrk is required" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT INT TERM

# One run: prints "changes_per_s cpu_us_per_change".
run_once() {
  local bin=$1 dir http base cpu0 cpu1 ok secs
  dir=$(mktemp -d "$WORK/run.XXXX")
  http=$(free_port)
  ENVIRONMENT=test SERVER_HOST=127.0.0.1 SERVER_HTTP_PORT=$http SERVER_GRPC_PORT=$(free_port) \
    SERVER_METRICS_PORT=$(free_port) TURSO_URL="file:$dir/sync.db" DATA_DIR="$dir" LOG_LEVEL=warn \
    JWT_SECRET="sync-ab-bench-secret-0123456789abcdefghijklmnopq" \
    RATE_LIMIT_AUTH_PER_MIN=100000000 RATE_LIMIT_SYNC_PER_MIN=100000000 \
    SYNC_QUOTA_FREE=connections=100,saved_queries=100000000,query_history=100000000 \
    "$bin" serve >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  base="http://127.0.0.1:$http"
  for _ in $(seq 1 100); do curl -fs "$base/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "$base/ready" >/dev/null || { echo "server did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }
  python3 - "$base" "$USERS" "$dir/tokens" <<'PY'
import json, sys, urllib.request
base, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def signup(i):
    body = {"username": f"ab-user-{i}", "email": f"ab{i}@example.com", "password": "sync ab password 1"}
    req = urllib.request.Request(base + "/api/auth/signup", json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))["token"]
open(out, "w").write(",".join(signup(i) for i in range(n)))
PY
  local devices
  devices=$(seq -s, -f 'dev-%g' 1 "$USERS")
  upload() {  # prefix seconds output
    SYNC_TOKENS=$(cat "$dir/tokens") SYNC_DEVICES=$devices SYNC_BATCH=100 SYNC_PREFIX=$1 \
      wrk -t"$USERS" -c"$USERS" -d"$2s" --timeout 30s -s "$HERE/lua/sync_upload.lua" "$base" >"$3"
  }
  upload warm 3 "$dir/warm.txt"
  cpu0=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
  upload measured "$DURATION" "$dir/run.txt"
  cpu1=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
  stop_server
  ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' "$dir/run.txt")
  secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$dir/run.txt")
  [ -n "$ok" ] && [ "$ok" -gt 0 ] || { echo "no upload succeeded:" >&2; cat "$dir/run.txt" >&2; exit 1; }
  awk -v o="$ok" -v s="$secs" -v a="$cpu0" -v b="$cpu1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.0f %.1f\n", o * 100 / s, (b - a) / hz * 1e6 / (o * 100)}'
  rm -rf "$dir"
}

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
: >"$WORK/A" && : >"$WORK/B"
for round in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    bin=$A; [ "$side" = B ] && bin=$B
    result=$(run_once "$bin")
    echo "$result" >>"$WORK/$side"
    echo "round $round $side: $(echo "$result" | awk '{print $1 " changes/s, server CPU " $2 " us/change"}')"
  done
done
for side in A B; do
  echo "median $side: $(cut -d' ' -f1 "$WORK/$side" | median) changes/s," \
    "$(cut -d' ' -f2 "$WORK/$side" | median) us/change"
done
echo "AB B/A changes/s: $(awk 'NR == FNR {a[FNR] = $1; next} {printf "%.2f\n", $1 / a[FNR]}' "$WORK/A" "$WORK/B" | median)" \
  "  B/A us/change: $(awk 'NR == FNR {a[FNR] = $2; next} {printf "%.2f\n", $2 / a[FNR]}' "$WORK/A" "$WORK/B" | median)"
