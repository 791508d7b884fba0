#!/usr/bin/env bash
# Sync load through the real binary over HTTP on loopback (issue 4), embedded SQLite
# backend on a temp file. Every wrk run is bounded in time; the server is always stopped.
#   1. 16 concurrent devices of ONE user (their uploads take turns on the user's lock),
#      each POSTing 100-change uploads of new saved queries: changes/s, latency p50/p99
#   2. one user uploading alone on one connection (the single-user latency reference),
#      then the same 100-change uploads from 16 users, one device each, with raw SQLite
#      inserts (bench/sync_bench --raw-only: BEGIN; 100 prepared INSERTs; COMMIT, on a
#      temp file) measured right before and after the 16-user run: the 16 users' changes/s
#      are printed as a ratio of the mean of those two raw figures
#   3. fairness: phase 1 again, while one other user uploads on one connection and a
#      client polls /health: their latencies next to the 16 devices'
#   4. download in 500-change pages: one client walking the cursor chain, then 4
#      connections fetching pages at the recorded cursors: changes/s, latency p50/p99,
#      and /health latency meanwhile (pages run on the worker pool)
# With 16 devices of one user, the server admits 4 writes of that user at a time and
# answers the rest 503 with Retry-After (counted as failed; wrk does not retry), so the
# latency percentiles of phases 1 and 3 include those quick 503s; phase 2 has none.
# The last line, SUMMARY, repeats the figures of phase 2. The in-process figures against
# raw SQLite are bench/sync_bench.cpp.
#
# usage: bench/sync_load.sh [server binary, default build/release/src/app/howlerops-server]
#                           [seconds per wrk run, default 8]
#                           [sync_bench binary, default build/release/bench/sync_bench]
set -euo pipefail
BIN=${1:-build/release/src/app/howlerops-server}
DURATION=${2:-8}
RAW_BENCH=${3:-build/release/bench/sync_bench}
THREADS=${SYNC_LOAD_DEVICES:-16}
BATCH=100
PAGE=500
HERE=$(cd "$(dirname "$0")" && pwd)
[ -x "$BIN" ] || { echo "no server binary at $BIN" >&2; exit 1; }
[ -x "$RAW_BENCH" ] || { echo "no sync_bench binary at $RAW_BENCH" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is required" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

HTTP=$(free_port); GRPC=$(free_port); METRICS=$(free_port)
ENVIRONMENT=test SERVER_HOST=127.0.0.1 SERVER_HTTP_PORT=$HTTP SERVER_GRPC_PORT=$GRPC \
  SERVER_METRICS_PORT=$METRICS TURSO_URL="file:$WORK/sync.db" DATA_DIR="$WORK" LOG_LEVEL=warn \
  JWT_SECRET="sync-load-bench-secret-0123456789abcdefghijklmnop" \
  RATE_LIMIT_AUTH_PER_MIN=100000000 RATE_LIMIT_SYNC_PER_MIN=100000000 \
  SYNC_QUOTA_FREE=connections=100,saved_queries=100000000,query_history=100000000 \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$HTTP/ready" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "http://127.0.0.1:$HTTP/ready" >/dev/null || { echo "server did not start:"; cat "$WORK/server.log"; exit 1; }
BASE="http://127.0.0.1:$HTTP"

# Accounts: one user signed in on THREADS devices, and THREADS users with one device each.
python3 - "$BASE" "$THREADS" "$WORK" <<'PY'
import json, sys, urllib.request
base, n, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def post(path, body, token=None):
    req = urllib.request.Request(base + path, json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))
pw = "sync bench password 1"
owner = post("/api/auth/signup", {"username": "sync-owner", "email": "owner@example.com", "password": pw})
tokens = [owner["token"]] + [post("/api/auth/login", {"username": "sync-owner", "password": pw,
                                                    "device_name": f"dev-{i}"})["token"]
                             for i in range(1, n)]
open(f"{work}/owner_tokens", "w").write(",".join(tokens))
open(f"{work}/owner_token", "w").write(tokens[0])
users = [post("/api/auth/signup", {"username": f"sync-user-{i}", "email": f"u{i}@example.com",
                                   "password": pw})["token"] for i in range(n)]
open(f"{work}/user_tokens", "w").write(",".join(users))
PY
DEVICES=$(seq -s, -f 'dev-%g' 1 "$THREADS")

cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$SERVER_PID/stat"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$2"; }
items_of() {  # total changes_uploaded over the devices of the token's user
  curl -fs -H "Authorization: Bearer $1" "$BASE/api/sync/devices" |
    python3 -c 'import json,sys; print(sum(d["changes_uploaded"] for d in json.load(sys.stdin)["devices"]))'
}

p99_ms() { awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v} else {sub(/s/,"",v); print v*1000}}'; }
p50_ms() { awk '$1=="50%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); print v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v); print v} else {sub(/s/,"",v); print v*1000}}'; }
health_probe() {  # seconds output-file: GET /health every 20 ms on one keep-alive connection
  python3 - "$BASE" "$1" >"$2" <<'PY'
import http.client, sys, time, urllib.parse
u = urllib.parse.urlparse(sys.argv[1]); end = time.monotonic() + float(sys.argv[2])
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30); lat = []
while time.monotonic() < end:
    t0 = time.perf_counter(); conn.request("GET", "/health"); r = conn.getresponse(); r.read()
    lat.append((time.perf_counter() - t0) * 1000); time.sleep(0.02)
lat.sort(); q = lambda p: lat[min(len(lat) - 1, int(p / 100 * (len(lat) - 1) + 0.5))]
print(f"50% {q(50):.3f}ms\n99% {q(99):.3f}ms\nmax {lat[-1]:.3f}ms\nn {len(lat)}")
PY
}

upload_run() {  # label tokens-file prefix [connections, default THREADS]
  local label=$1 tokens=$2 prefix=$3 conns=${4:-$THREADS} out="$WORK/$3.txt" cpu0 cpu1
  cpu0=$(cpu_seconds)
  SYNC_TOKENS=$(cat "$tokens") SYNC_DEVICES=$DEVICES SYNC_BATCH=$BATCH SYNC_PREFIX=$prefix \
    wrk -t"$conns" -c"$conns" -d"${DURATION}s" --timeout 30s -s "$HERE/lua/sync_upload.lua" \
    "$BASE" >"$out"
  cpu1=$(cpu_seconds)
  local ok failed secs
  ok=$(field ok "$out"); failed=$(field failed "$out"); secs=$(field seconds "$out")
  echo "$label: $(awk -v o="$ok" -v s="$secs" -v b=$BATCH 'BEGIN {printf "%.0f", o*b/s}') changes/s" \
    "($ok uploads of $BATCH ok, $failed failed, ${secs}s);" \
    "latency of one upload ms: p50 $(field p50_ms "$out")  p90 $(field p90_ms "$out")" \
    " p99 $(field p99_ms "$out")  max $(field max_ms "$out");" \
    "server CPU $(awk -v a="$cpu0" -v b="$cpu1" -v o="$ok" -v n=$BATCH 'BEGIN {printf "%.1f us/change", (b-a)*1e6/(o*n)}')"
}

echo "== 1. $THREADS devices of one user, $BATCH-change uploads (wrk -t$THREADS -c$THREADS, ${DURATION}s)"
upload_run "one user, $THREADS devices" "$WORK/owner_tokens" owner
STORED=$(items_of "$(cat "$WORK/owner_token")")
echo "   stored for the user afterwards (GET /devices changes_uploaded): $STORED"

raw_inserts() {  # the raw baseline on a temp file: prints changes/s
  "$RAW_BENCH" --raw-only --rounds 5 --batches 50 --batch $BATCH --no-concurrency \
    --dir "$(mktemp -d "$WORK/raw.XXXX")" | sed -n 's/^RAW_INSERTS changes_per_s=//p'
}

echo "== 2. one user alone on one connection, then $THREADS users, one device each"
cut -d, -f2 "$WORK/user_tokens" >"$WORK/single_token"
upload_run "one user alone (1 connection)" "$WORK/single_token" single 1
RAW0=$(raw_inserts)
echo "raw SQLite inserts before the $THREADS users (sync_bench --raw-only): $RAW0 changes/s"
health_probe "$DURATION" "$WORK/health_users.txt" &
PROBE=$!
upload_run "$THREADS users" "$WORK/user_tokens" users
wait "$PROBE"
RAW1=$(raw_inserts)
echo "raw SQLite inserts after the $THREADS users: $RAW1 changes/s"
echo "/health meanwhile: p50 $(p50_ms <"$WORK/health_users.txt") ms  p99 $(p99_ms <"$WORK/health_users.txt") ms"
USERS_RATE=$(awk -v o="$(field ok "$WORK/users.txt")" -v s="$(field seconds "$WORK/users.txt")" \
  -v b=$BATCH 'BEGIN {printf "%.0f", o*b/s}')
SUMMARY="$THREADS users: $USERS_RATE changes/s = $(awk -v u="$USERS_RATE" -v a="$RAW0" -v b="$RAW1" \
  'BEGIN {printf "%.2f", u/((a+b)/2)}') x raw inserts ($RAW0, $RAW1 changes/s);"
SUMMARY="$SUMMARY one user alone: p50 $(field p50_ms "$WORK/single.txt") ms, p99 $(field p99_ms "$WORK/single.txt") ms"
echo "$SUMMARY"

echo "== 3. fairness: $THREADS devices of one user again, with one other user uploading and /health polled"
health_probe "$DURATION" "$WORK/health1.txt" &
PROBE=$!
SYNC_TOKENS=$(cut -d, -f1 "$WORK/user_tokens") SYNC_DEVICES=solo SYNC_BATCH=$BATCH SYNC_PREFIX=bystander \
  wrk -t1 -c1 -d"${DURATION}s" --timeout 30s -s "$HERE/lua/sync_upload.lua" "$BASE" >"$WORK/bystander.txt" &
BYSTANDER=$!
upload_run "one user, $THREADS devices" "$WORK/owner_tokens" owner2
wait "$BYSTANDER" "$PROBE"
echo "other user's uploads (1 connection): $(field ok "$WORK/bystander.txt") ok;" \
  "latency ms p50 $(field p50_ms "$WORK/bystander.txt")  p99 $(field p99_ms "$WORK/bystander.txt")"
echo "/health meanwhile: p50 $(p50_ms <"$WORK/health1.txt") ms  p99 $(p99_ms <"$WORK/health1.txt") ms"
STORED=$(items_of "$(cat "$WORK/owner_token")")

echo "== 4. download of the first user's $STORED items in $PAGE-change pages"
python3 - "$BASE" "$(cat "$WORK/owner_token")" "$PAGE" "$WORK/cursors" <<'PY'
import http.client, json, sys, time, urllib.parse
base, token, page, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
u = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
def walk(record):
    cursor, total, pages, full = "", 0, 0, []
    t0 = time.perf_counter()
    while True:
        path = f"/api/sync/download?device_id=walker&limit={page}" + (f"&cursor={cursor}" if cursor else "")
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        r = conn.getresponse(); body = r.read()
        if r.status != 200: sys.exit(f"download answered {r.status}: {body[:200]!r}")
        d = json.loads(body)
        n = len(d["connections"]) + len(d["saved_queries"]) + len(d["query_history"]) + len(d["deleted"])
        if n == page: full.append(cursor)
        total += n; pages += 1
        if not d["has_more"]: break
        cursor = d["cursor"]
    dt = time.perf_counter() - t0
    if record: open(out, "w").write("\n".join(full) + "\n")
    return total, pages, dt
walk(True)  # warm-up, records the cursor of every full page
best = min((walk(False) for _ in range(3)), key=lambda r: r[2])
total, pages, dt = best
print(f"one client walking the cursor chain (keep-alive, incl. Python's JSON parse): "
      f"{total/dt:.0f} changes/s ({pages} pages, {dt*1000/pages:.2f} ms/page; best of 3)")
PY
OUT="$WORK/download.txt"
health_probe "$DURATION" "$WORK/health2.txt" &
PROBE=$!
CPU0=$(cpu_seconds)
SYNC_TOKEN=$(cat "$WORK/owner_token") SYNC_PAGE=$PAGE SYNC_CURSORS_FILE="$WORK/cursors" \
  wrk -t2 -c4 -d"${DURATION}s" --timeout 30s -s "$HERE/lua/sync_download.lua" "$BASE" >"$OUT"
CPU1=$(cpu_seconds)
wait "$PROBE"
OK=$(field ok "$OUT"); SECS=$(field seconds "$OUT")
echo "4 connections fetching full pages (wrk -t2 -c4): $(awk -v o="$OK" -v s="$SECS" -v p=$PAGE 'BEGIN {printf "%.0f", o*p/s}') changes/s" \
  "($OK pages, $(field failed "$OUT") failed); latency of one page ms: p50 $(field p50_ms "$OUT")" \
  " p99 $(field p99_ms "$OUT");" \
  "server CPU $(awk -v a="$CPU0" -v b="$CPU1" -v o="$OK" -v n=$PAGE 'BEGIN {printf "%.2f us/change", (b-a)*1e6/(o*n)}')"
echo "/health meanwhile: p50 $(p50_ms <"$WORK/health2.txt") ms  p99 $(p99_ms <"$WORK/health2.txt") ms"
echo "== 5. references on an otherwise idle server"
health_probe 3 "$WORK/health0.txt"
echo "/health alone: p50 $(p50_ms <"$WORK/health0.txt") ms  p99 $(p99_ms <"$WORK/health0.txt") ms"
SYNC_TOKENS=$(cut -d, -f1 "$WORK/user_tokens") SYNC_DEVICES=solo SYNC_BATCH=$BATCH SYNC_PREFIX=alone \
  wrk -t1 -c1 -d3s --timeout 30s -s "$HERE/lua/sync_upload.lua" "$BASE" >"$WORK/alone.txt"
echo "the other user's uploads alone (1 connection): $(field ok "$WORK/alone.txt") ok;" \
  "latency ms p50 $(field p50_ms "$WORK/alone.txt")  p99 $(field p99_ms "$WORK/alone.txt")"
echo "SUMMARY $SUMMARY"
