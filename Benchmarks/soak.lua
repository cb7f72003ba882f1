-- wrk script of Benchmarks/soak.sh: a paced mix of firing and resolved webhooks over 16 regions. Each region
-- goes through six-second firing periods on the wall clock, offset per region: firing (and its duplicates) for
-- four seconds, then resolved for two, then the next period, so incidents open and close and their runbooks run all
-- along. Each connection waits $SOAK_DELAY_MS between requests.
local delay_ms = tonumber(os.getenv("SOAK_DELAY_MS") or "20")
local regions = 16
local headers = { ["Content-Type"] = "application/json" }
local thread_id = 0
local next_id = 0
local counter = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

local function stamp(seconds)
  return os.date("!%Y-%m-%dT%H:%M:%S", seconds) .. ".000Z"
end

function request()
  counter = counter + 1
  local region = (thread_id * 7 + counter) % regions
  local now = os.time() + region
  local starts = now - now % 6 - region
  local status = (now % 6 >= 4) and "resolved" or "firing"
  local ends = status == "resolved" and stamp(starts + 4) or "0001-01-01T00:00:00Z"
  local body = string.format([[{"receiver":"failoverd","status":"%s","alerts":[{"status":"%s",
"labels":{"alertname":"SoakRegionDown","region":"soak-%02d","severity":"critical"},
"annotations":{"summary":"soak"},"startsAt":"%s","endsAt":"%s","generatorURL":"http://prometheus/graph",
"fingerprint":"50a4%04x%08x"}],"groupLabels":{"region":"soak-%02d"},"commonLabels":{},"commonAnnotations":{},
"externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{region=\"soak-%02d\"}","truncatedAlerts":0}]],
    status, status, region, stamp(starts), ends, thread_id, region, region, region)
  return wrk.format("POST", nil, headers, body)
end

function delay()
  return delay_ms
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "SOAK requests=%d non2xx=%d errors=%d p99_ms=%.3f connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(99.0) / 1000.0,
    e.connect, e.read, e.write, e.timeout))
end
