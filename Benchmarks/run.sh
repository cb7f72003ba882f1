#!/usr/bin/env bash
# Webhook ingest benchmark (`make bench`): failoverd against a naive C libmicrohttpd server that commits one
# SQLite row per request with synchronous=FULL, measured in one run with ../shared/bench/bench.sh.
# Prints: naive and failoverd acknowledgements per second at 32 connections and their ratio, p99 at 1 connection,
# idle RSS, RSS at the end of a 32-connection flood of distinct alerts, and whether every acknowledged webhook
# was stored. Everything listens on 127.0.0.1 and stops by itself.
set -euo pipefail
SECONDS_PER_RUN="${1:-10}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BENCH="$(cd "$ROOT/.." && pwd)/shared/bench/bench.sh"
PAYLOAD="$(dirname "$BENCH")/payload.json"
BINARY="$ROOT/.build/release/failoverd"
WORK="$(mktemp -d /tmp/failoverd-bench.XXXXXX)"
RESULTS="$ROOT/bench-results"
mkdir -p "$RESULTS"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

[ -x "$BENCH" ] || { echo "missing $BENCH" >&2; exit 1; }
[ -x "$BINARY" ] || { echo "missing $BINARY (make release)" >&2; exit 1; }
gcc -O2 -o "$WORK/naive-server" "$HERE/naive-server.c" -lmicrohttpd -lsqlite3 -lpthread

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done; echo "not ready: $1" >&2; exit 1; }
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

start_failoverd() {
  local port="$1" dir="$2"
  "$BINARY" serve --web.listen-address "127.0.0.1:$port" --storage.path "$dir/failoverd.db" --log.level warning \
    >"$dir/failoverd.log" 2>&1 &
  pids+=($!)
  echo $!
}

echo "== naive reference: one transaction and fsync per request"
port=$(free_port); mkdir -p "$WORK/naive"
"$WORK/naive-server" "$port" "$WORK/naive/naive.db" & naive_pid=$!; pids+=($naive_pid)
sleep 0.3
naive=$("$BENCH" "http://127.0.0.1:$port/webhook" 32 "$SECONDS_PER_RUN"); echo "$naive"
kill "$naive_pid"; wait "$naive_pid" 2>/dev/null || true

echo "== failoverd: group commit, same payload"
port=$(free_port); mkdir -p "$WORK/same"
pid=$(start_failoverd "$port" "$WORK/same")
wait_ready "http://127.0.0.1:$port/-/ready"
sleep 1
idle_rss=$(rss_mb "$pid")
ours=$("$BENCH" "http://127.0.0.1:$port/webhook" 32 "$SECONDS_PER_RUN"); echo "$ours"
single=$("$BENCH" "http://127.0.0.1:$port/webhook" 1 "$SECONDS_PER_RUN"); echo "$single"
kill "$pid"; wait "$pid" 2>/dev/null || true

echo "== failoverd: flood of distinct alerts (new episodes every request)"
port=$(free_port); mkdir -p "$WORK/flood"
pid=$(start_failoverd "$port" "$WORK/flood")
wait_ready "http://127.0.0.1:$port/-/ready"
flood=$(PAYLOAD="$PAYLOAD" wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --timeout 2s -s "$HERE/distinct.lua" \
  "http://127.0.0.1:$port/webhook" | grep '^FLOOD'); echo "$flood"
flood_rss=$(rss_mb "$pid")
kill "$pid"; wait "$pid" 2>/dev/null || true
stored=$(sqlite3 "$WORK/flood/failoverd.db" "SELECT count(*) FROM deliveries")
episodes=$(sqlite3 "$WORK/flood/failoverd.db" "SELECT count(*) FROM episodes")
flood_requests=$(field requests "$flood"); flood_non2xx=$(field non2xx "$flood")
acknowledged=$((flood_requests - flood_non2xx))

naive_rps=$(field rps "$naive"); ours_rps=$(field rps "$ours")
ratio=$(awk -v a="$ours_rps" -v b="$naive_rps" 'BEGIN { printf "%.2f", a / b }')
lost=$(( acknowledged > stored ? acknowledged - stored : 0 ))
summary=$(cat <<SUMMARY
naive_rps=$naive_rps failoverd_rps=$ours_rps ratio=$ratio (target >= 1.5)
p99_ms_1conn=$(field p99_ms "$single") (target < 2)  p99_ms_32conn=$(field p99_ms "$ours")
idle_rss_mb=$idle_rss (target <= 35)  flood_end_rss_mb=$flood_rss (target <= 60)
flood_acknowledged=$acknowledged flood_stored_deliveries=$stored flood_episodes=$episodes lost=$lost
SUMMARY
)
echo "== results"
echo "$summary"
{ date -Is; echo "$naive"; echo "$ours"; echo "$single"; echo "$flood"; echo "$summary"; } >>"$RESULTS/ingest.txt"
[ "$lost" = 0 ] || { echo "acknowledged webhooks are missing" >&2; exit 1; }
