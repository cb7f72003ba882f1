-- wrk script: POST the Alertmanager payload with a distinct fingerprint and startsAt in every request, so each
-- request opens new episodes (the memory flood of `make bench`). Payload path from env PAYLOAD.
local path = os.getenv("PAYLOAD") or "payload.json"
local f = assert(io.open(path, "rb"))
local template = f:read("*a")
f:close()

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local counter = 0
local headers = { ["Content-Type"] = "application/json" }

function request()
  counter = counter + 1
  local alert = 0
  local body = template:gsub('"fingerprint": "%x+"', function()
    alert = alert + 1
    return string.format('"fingerprint": "%04x%08x%04x"', thread_id, counter, alert)
  end)
  local seconds = counter % 60
  local minutes = math.floor(counter / 60) % 60
  local hours = math.floor(counter / 3600) % 24
  body = body:gsub('"startsAt": "[^"]+"', string.format('"startsAt": "2025-%02d-01T%02d:%02d:%02d.%03dZ"',
    1 + thread_id % 12, hours, minutes, seconds, counter % 1000))
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("FLOOD requests=%d non2xx=%d errors=%d\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
