-- wrk: POST /api/sync/upload of SYNC_BATCH (default 100) new saved queries per request.
-- Thread i is one device: token i of SYNC_TOKENS and device i of SYNC_DEVICES (comma-
-- separated lists, one entry per thread; one user's 16 tokens and devices, or 16 users').
-- Every request creates new items with new change ids (SYNC_PREFIX keeps runs apart), so
-- each one is a real 100-row write. Run with as many connections as threads. done()
-- prints one line: SYNC_RESULT requests=.. ok=.. failed=.. p50_ms=.. p90_ms=.. p99_ms=..
local tokens, devices = {}, {}
for t in string.gmatch(os.getenv("SYNC_TOKENS") or "", "([^,]+)") do table.insert(tokens, t) end
for d in string.gmatch(os.getenv("SYNC_DEVICES") or "", "([^,]+)") do table.insert(devices, d) end
local batch = tonumber(os.getenv("SYNC_BATCH") or "100")
local prefix = os.getenv("SYNC_PREFIX") or "run"
local counter = 1
local threads = {}

function setup(thread)
  thread:set("token", tokens[(counter - 1) % #tokens + 1])
  thread:set("device", devices[(counter - 1) % #devices + 1])
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local n = 0
ok_count = 0
failed = 0

-- ~300 bytes of a saved query, as sync_bench.cpp uploads.
local function data(k)
  return string.format(
    '{"name":"Revenue by region %s","query":"SELECT r.name, date_trunc(\'month\', ' ..
    'o.created_at) AS month, SUM(o.total) FROM orders o JOIN regions r ON r.id = o.region_id ' ..
    'WHERE o.status = \'paid\' GROUP BY 1, 2 ORDER BY 2 DESC","connection_id":"conn-%d",' ..
    '"tags":["finance","monthly"],"favorite":false,"created_at":"2026-01-01T00:00:00Z"}', k, #k % 7)
end

function request()
  n = n + 1
  local parts = {}
  for i = 1, batch do
    local k = prefix .. "-" .. index .. "-" .. n .. "-" .. i
    parts[i] = '{"id":"c-' .. k .. '","item_type":"saved_query","item_id":"q-' .. k ..
      '","action":"create","sync_version":0,"data":' .. data(k) .. '}'
  end
  local body = '{"device_id":"' .. device .. '","changes":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/api/sync/upload",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

function response(status, headers, body)
  if status == 200 and string.find(body, '"success":true', 1, true) then
    ok_count = ok_count + 1
  else
    failed = failed + 1
    -- 503 is the server's per-user write cap (Retry-After), expected with 16 devices of one
    -- user; other failures are shown.
    if status ~= 503 and failed <= 3 then io.stderr:write("upload answered " .. status .. ": " .. string.sub(body, 1, 200) .. "\n") end
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
