-- wrk: refresh-token chains. Each thread owns one session (one token from
-- REFRESH_TOKENS, a comma-separated list) and always presents the newest token it has
-- been given, as a desktop client does. Run with as many connections as threads.
local tokens = {}
for t in string.gmatch(os.getenv("REFRESH_TOKENS") or "", "([^,]+)") do
  table.insert(tokens, t)
end
local counter = 1
local threads = {}

function setup(thread)
  thread:set("token", tokens[counter])
  counter = counter + 1
  table.insert(threads, thread)
end

function request()
  return wrk.format("POST", "/api/auth/refresh", {["Content-Type"] = "application/json"},
    '{"refresh_token":"' .. token .. '"}')
end

function response(status, headers, body)
  local next_token = string.match(body, '"refresh_token":"([^"]+)"')
  if next_token then token = next_token end
end
