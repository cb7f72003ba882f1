-- wrk script for Benchmarks/load.sh: every request is the same Alertmanager webhook POST, built once by wrk
-- from wrk.method/wrk.body/wrk.headers. The body is read from the file named by $PAYLOAD.
-- At the end it writes one line, "LOAD key=value ...", which load.sh turns into its result line.
local payload_path = os.getenv("PAYLOAD")
if payload_path == nil or payload_path == "" then
  error("post.lua: set PAYLOAD to the webhook body file")
end
local file = assert(io.open(payload_path, "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

-- wrk reports latencies in microseconds and the run's duration in microseconds.
local function ms(microseconds)
  return microseconds / 1000.0
end

function done(summary, latency, requests)
  local elapsed = summary.duration / 1000000.0
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "LOAD rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d non2xx=%d errors=%d\n",
    summary.requests / elapsed,
    ms(latency:percentile(50.0)), ms(latency:percentile(90.0)), ms(latency:percentile(99.0)), ms(latency.max),
    summary.requests, e.status, socket_errors))
end
