#!/usr/bin/env bash
# Benchmarks/load.sh URL [CONNECTIONS] [SECONDS]
#
# Load generator for `make bench`: wrk POSTs one Alertmanager webhook body (Tests/Fixtures/bench/payload.json
# unless $PAYLOAD names another file) to URL over CONNECTIONS keep-alive connections (default 32) for SECONDS
# (default 10), then prints a single result line on stdout:
#   rps=<acks/s> p50_ms=<> p90_ms=<> p99_ms=<> max_ms=<> requests=<> non2xx=<> errors=<> conns=<> secs=<>
# Only loopback targets are accepted. Before the timed run one POST must be answered 2xx, so a wrong path or a
# server that rejects the body is not measured by mistake.
# Environment: PAYLOAD (body file), THREADS (wrk threads, default 2, never more than CONNECTIONS),
#              TIMEOUT (wrk's per-request timeout, default 2s), WRK_LOG (file that gets wrk's full output).
# Exit status: 0 measured; 2 bad arguments or missing tool; 3 the check POST was not answered 2xx; 4 wrk failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
url="${1:-}"
connections="${2:-32}"
seconds="${3:-10}"
payload="${PAYLOAD:-$here/../Tests/Fixtures/bench/payload.json}"
threads="${THREADS:-2}"
request_timeout="${TIMEOUT:-2s}"

fail() { echo "load.sh: $2" >&2; exit "$1"; }

[ -n "$url" ] || fail 2 "usage: load.sh URL [CONNECTIONS] [SECONDS]"
[[ "$connections" =~ ^[1-9][0-9]*$ ]] || fail 2 "CONNECTIONS must be a positive integer, not '$connections'"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || fail 2 "SECONDS must be a positive integer, not '$seconds'"
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || fail 2 "THREADS must be a positive integer, not '$threads'"
if [ "$threads" -gt "$connections" ]; then threads="$connections"; fi
case "$url" in
  http://127.0.0.1:* | http://localhost:* | "http://[::1]:"*) ;;
  *) fail 2 "only loopback URLs are load-tested (http://127.0.0.1:PORT/...), not '$url'" ;;
esac
[ -r "$payload" ] || fail 2 "payload file '$payload' is not readable"
command -v wrk >/dev/null || fail 2 "wrk is not installed (Debian package 'wrk'; make bench-deps)"
command -v curl >/dev/null || fail 2 "curl is not installed"

status=$(curl --silent --output /dev/null --max-time 5 --write-out '%{http_code}' \
  --header 'Content-Type: application/json' --data-binary "@$payload" "$url" || true)
[[ "$status" == 2* ]] || fail 3 "the check POST to $url was answered '$status', not 2xx"

if ! report=$(PAYLOAD="$payload" wrk --threads "$threads" --connections "$connections" --duration "${seconds}s" \
  --timeout "$request_timeout" --script "$here/post.lua" "$url" 2>&1); then
  echo "$report" >&2
  fail 4 "wrk failed"
fi
if [ -n "${WRK_LOG:-}" ]; then
  printf '# %s %s connections=%s seconds=%s threads=%s\n%s\n' "$(date -Is)" "$url" "$connections" "$seconds" \
    "$threads" "$report" >>"$WRK_LOG"
fi

result=$(grep '^LOAD ' <<<"$report" | tail -n 1 || true)
[ -n "$result" ] || { echo "$report" >&2; fail 4 "wrk printed no LOAD line (post.lua's done hook)"; }
echo "${result#LOAD } conns=$connections secs=$seconds"
