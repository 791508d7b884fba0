#!/usr/bin/env bash
# Sync throughput on the remote backend (a local tursodb, Hrana over HTTP) against the
# same operations on the embedded backend, in the same run (issue 5), through the real
# binary over loopback: 100-change uploads from 4 concurrent devices (a bounded count),
# then downloading everything in 500-change pages; plus database round trips per request
# from sql_studio_db_roundtrips_total. Both servers and tursodb are always stopped.
#
# usage: bench/sync_remote_vs_embedded.sh [server binary] [uploads per device, default 25]
set -euo pipefail
BIN=${1:-build/release/src/app/howlerops-server}
UPLOADS=${2:-25}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TURSODB=$ROOT/.tools/node_modules/@tursodatabase/cli-linux-x64-gnu/tursodb
[ -x "$BIN" ] || { echo "no server binary at $BIN" >&2; exit 1; }
[ -x "$TURSODB" ] || { echo "no tursodb (run scripts/setup.sh)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  # The servers start inside a process substitution, whose PIDS+= the shell never sees:
  # their pids are in $WORK/*.pid.
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

start_server() {  # name, database url -> prints "http_port metrics_port"
  local http metrics grpc
  http=$(free_port); metrics=$(free_port); grpc=$(free_port)
  mkdir -p "$WORK/$1"
  (cd "$WORK/$1" && ENVIRONMENT=test SERVER_HOST=127.0.0.1 SERVER_HTTP_PORT=$http \
    SERVER_GRPC_PORT=$grpc SERVER_METRICS_PORT=$metrics TURSO_URL="$2" DATA_DIR="$WORK/$1" \
    LOG_LEVEL=warn JWT_SECRET="sync-remote-bench-secret-0123456789abcdefghijk" \
    RATE_LIMIT_AUTH_PER_MIN=100000 RATE_LIMIT_SYNC_PER_MIN=100000000 \
    SYNC_DEVICE_FLUSH_INTERVAL=1h \
    SYNC_QUOTA_FREE=saved_queries=100000000 exec "$ROOT/$BIN" serve >"$WORK/$1.log" 2>&1) &
  echo "$!" >"$WORK/$1.pid"
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$http/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$http/ready" >/dev/null || { cat "$WORK/$1.log" >&2; exit 1; }
  echo "$http $metrics"
}
[[ "$BIN" = /* ]] && ROOT=""
read -r E_HTTP E_METRICS < <(start_server embedded "file:$WORK/embedded/sync.db")
for _ in $(seq 1 50); do curl -s "http://127.0.0.1:$TURSO_PORT/v2" >/dev/null 2>&1 && break; sleep 0.1; done
read -r R_HTTP R_METRICS < <(start_server remote "http://127.0.0.1:$TURSO_PORT")

python3 - "$E_HTTP" "$E_METRICS" "$R_HTTP" "$R_METRICS" "$UPLOADS" <<'PY'
import http.client, json, re, sys, threading, time
e_http, e_metrics, r_http, r_metrics, uploads = sys.argv[1:6]
uploads, devices, batch, page = int(uploads), 4, 100, 500

def call(port, method, path, body=None, token=None, conn=None):
    c = conn or http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
    headers = {"Content-Type": "application/json"}
    if token: headers["Authorization"] = "Bearer " + token
    c.request(method, path, json.dumps(body) if body is not None else None, headers)
    r = c.getresponse(); data = r.read()
    if r.status != 200 and r.status != 201: sys.exit(f"{method} {path}: {r.status} {data[:200]!r}")
    return json.loads(data)

def roundtrips(port):
    c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    c.request("GET", "/metrics"); text = c.getresponse().read().decode()
    return sum(int(v) for v in re.findall(r'sql_studio_db_roundtrips_total\{op="[a-z]+"\} (\d+)', text))

def run(name, port, metrics):
    token = call(port, "POST", "/api/auth/signup", {"username": "bench-" + name,
                 "email": f"bench-{name}@example.com", "password": "bench password 1"})["token"]
    def device(d):
        conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
        for u in range(uploads):
            changes = [{"id": f"c-{d}-{u}-{i}", "item_type": "saved_query",
                        "item_id": f"q-{d}-{u}-{i}", "action": "create", "sync_version": 0,
                        "data": {"name": f"query {i}", "query": "SELECT * FROM t WHERE id = 1",
                                 "tags": ["bench"], "folder": "f"}} for i in range(batch)]
            call(port, "POST", "/api/sync/upload", {"device_id": f"dev{d}", "changes": changes},
                 token, conn)
    before = roundtrips(metrics); start = time.monotonic()
    threads = [threading.Thread(target=device, args=(d,)) for d in range(devices)]
    for t in threads: t.start()
    for t in threads: t.join()
    up_s = time.monotonic() - start; up_rt = roundtrips(metrics) - before
    up_requests = devices * uploads
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
    before = roundtrips(metrics); start = time.monotonic(); cursor = ""; got = 0; pages = 0
    while True:
        q = f"/api/sync/download?device_id=reader&limit={page}" + (f"&cursor={cursor}" if cursor else "")
        r = call(port, "GET", q, token=token, conn=conn)
        got += len(r["saved_queries"]); pages += 1; cursor = r["cursor"]
        if not r["has_more"]: break
    down_s = time.monotonic() - start; down_rt = roundtrips(metrics) - before
    assert got == devices * uploads * batch, got
    return {"up": up_requests * batch / up_s, "up_rt": up_rt / up_requests,
            "down": got / down_s, "down_rt": down_rt / pages, "uploads": up_requests, "pages": pages}

e = run("embedded", e_http, e_metrics)
r = run("remote", r_http, r_metrics)
for name, x in (("embedded", e), ("remote", r)):
    print(f"{name:9} upload {x['up']:9.0f} changes/s ({x['uploads']} uploads of {batch}, "
          f"{x['up_rt']:.2f} round trips each)   download {x['down']:9.0f} changes/s "
          f"({x['pages']} pages of {page}, {x['down_rt']:.2f} round trips each)")
print(f"remote/embedded: upload {r['up'] / e['up']:.2f}, download {r['down'] / e['down']:.2f}")
PY
