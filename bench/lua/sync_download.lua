-- wrk: GET /api/sync/download pages (limit SYNC_PAGE, default 500) at the cursors listed
-- in SYNC_CURSORS_FILE (one per line; an empty line is the first page), cycled from a
-- different start per thread, with SYNC_TOKEN. done() prints one line:
-- SYNC_RESULT requests=.. ok=.. failed=.. p50_ms=.. p90_ms=.. p99_ms=..
local token = os.getenv("SYNC_TOKEN") or ""
local page = os.getenv("SYNC_PAGE") or "500"
local cursors = {}
for line in io.lines(os.getenv("SYNC_CURSORS_FILE")) do table.insert(cursors, line) end
local counter = 1
local threads = {}

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local n = 0
ok_count = 0
failed = 0

function request()
  local c = cursors[(index * 7 + n) % #cursors + 1]
  n = n + 1
  local path = "/api/sync/download?device_id=reader-" .. index .. "&limit=" .. page
  if c ~= "" then path = path .. "&cursor=" .. c end
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end

function response(status, headers, body)
  if status == 200 then ok_count = ok_count + 1 else
    failed = failed + 1
    if failed <= 3 then io.stderr:write("download answered " .. status .. ": " .. string.sub(body, 1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + (t:get("ok_count") or 0)
    bad = bad + (t:get("failed") or 0)
  end
  io.write(string.format(
    "SYNC_RESULT requests=%d ok=%d failed=%d seconds=%.3f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, ok, bad, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
