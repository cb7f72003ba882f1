#!/usr/bin/env bash
# Webhook ingest benchmark (`make bench`): failoverd against a naive C libmicrohttpd server that commits one
# SQLite row per request with synchronous=FULL, measured in one run with Benchmarks/load.sh (wrk).
# Prints: naive and failoverd acknowledgements per second at 32 connections and their ratio, p99 at 1 connection,
# idle RSS, RSS at the end of a 32-connection flood of distinct alerts, and whether every acknowledged webhook
# was stored. Everything listens on 127.0.0.1 and stops by itself.
set -euo pipefail
SECONDS_PER_RUN="${1:-10}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BENCH="$HERE/load.sh"
PAYLOAD="$ROOT/Tests/Fixtures/bench/payload.json"
BINARY="$ROOT/.build/release/failoverd"
WORK="$(mktemp -d /tmp/failoverd-bench.XXXXXX)"
RESULTS="$ROOT/bench-results"
mkdir -p "$RESULTS"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

[ -x "$BENCH" ] || { echo "missing $BENCH" >&2; exit 1; }
[ -r "$PAYLOAD" ] || { echo "missing $PAYLOAD" >&2; exit 1; }
export PAYLOAD
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

settle() { sync; sleep 2; }

# Naive and failoverd alternate twice at 32 connections; each figure is the mean of its two rounds, which
# evens out the disk's background writeback between rounds.
naive_round() {
  local port dir pid
  port=$(free_port); dir="$WORK/naive-$1"; mkdir -p "$dir"
  "$WORK/naive-server" "$port" "$dir/naive.db" & pid=$!; pids+=($pid)
  sleep 0.3
  "$BENCH" "http://127.0.0.1:$port/webhook" "$2" "$SECONDS_PER_RUN"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

failoverd_round() {
  local port dir pid
  port=$(free_port); dir="$WORK/failoverd-$1"; mkdir -p "$dir"
  pid=$(start_failoverd "$port" "$dir")
  wait_ready "http://127.0.0.1:$port/-/ready"
  sleep 1
  [ "$1" = 1 ] && rss_mb "$pid" >"$WORK/idle_rss"
  "$BENCH" "http://127.0.0.1:$port/webhook" "$2" "$SECONDS_PER_RUN"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "== 32 connections, same payload: naive reference (one transaction and fsync per request) and failoverd"
settle; naive1=$(naive_round 1 32); echo "naive     $naive1"
settle; ours1=$(failoverd_round 1 32); echo "failoverd $ours1"
settle; naive2=$(naive_round 2 32); echo "naive     $naive2"
settle; ours2=$(failoverd_round 2 32); echo "failoverd $ours2"
idle_rss=$(cat "$WORK/idle_rss")

echo "== 1 connection: latency"
settle; naive_single=$(naive_round 3 1); echo "naive     $naive_single"
settle; single=$(failoverd_round 3 1); echo "failoverd $single"

# The audit trail's cost on ingest: the same alternation against a build of BASELINE_REV, the last revision
# whose ingest path wrote no audit events (built once into .build-baseline, kept for later runs).
audit_ratio="n/a (BASELINE_REV unset)"
if [ -n "${BASELINE_REV:-}" ]; then
  echo "== ingest with the audit trail vs. without it ($BASELINE_REV)"
  src="$ROOT/.build-baseline-src"
  [ -d "$src" ] || git -C "$ROOT" worktree add --force --detach "$src" "$BASELINE_REV" >/dev/null
  git -C "$src" checkout --quiet --detach "$BASELINE_REV"
  (cd "$src" && swift build -c release --scratch-path "$ROOT/.build-baseline" >/dev/null)
  baseline_binary="$ROOT/.build-baseline/release/failoverd"
  baseline_round() {
    local port dir pid
    port=$(free_port); dir="$WORK/baseline-$1"; mkdir -p "$dir"
    "$baseline_binary" serve --web.listen-address "127.0.0.1:$port" --storage.path "$dir/failoverd.db" \
      --log.level warning >"$dir/failoverd.log" 2>&1 & pid=$!; pids+=($pid)
    wait_ready "http://127.0.0.1:$port/-/ready"
    sleep 1
    "$BENCH" "http://127.0.0.1:$port/webhook" 32 "$SECONDS_PER_RUN"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  }
  settle; before1=$(baseline_round 1); echo "without audit $before1"
  settle; after1=$(failoverd_round 4 32); echo "with audit    $after1"
  settle; before2=$(baseline_round 2); echo "without audit $before2"
  settle; after2=$(failoverd_round 5 32); echo "with audit    $after2"
  audit_ratio=$(awk -v a1="$(field rps "$after1")" -v a2="$(field rps "$after2")" \
    -v b1="$(field rps "$before1")" -v b2="$(field rps "$before2")" 'BEGIN { printf "%.2f", (a1 + a2) / (b1 + b2) }')
fi

settle
echo "== failoverd: flood of distinct alerts (new episodes every request)"
port=$(free_port); mkdir -p "$WORK/flood"
pid=$(start_failoverd "$port" "$WORK/flood")
wait_ready "http://127.0.0.1:$port/-/ready"
flood=$(PAYLOAD="$PAYLOAD" wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --timeout 2s -s "$HERE/distinct.lua" \
  "http://127.0.0.1:$port/webhook" | grep '^FLOOD'); echo "$flood"
flood_rss=$(rss_mb "$pid")
wal_mb=$(awk -v b="$(stat -c %s "$WORK/flood/failoverd.db-wal")" 'BEGIN { printf "%.1f", b / 1048576 }')
kill "$pid"; wait "$pid" 2>/dev/null || true
stored=$(sqlite3 "$WORK/flood/failoverd.db" "SELECT count(*) FROM deliveries")
episodes=$(sqlite3 "$WORK/flood/failoverd.db" "SELECT count(*) FROM episodes")
flood_requests=$(field requests "$flood"); flood_non2xx=$(field non2xx "$flood")
acknowledged=$((flood_requests - flood_non2xx))

mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a + b) / 2 }'; }
naive_rps=$(mean "$(field rps "$naive1")" "$(field rps "$naive2")")
ours_rps=$(mean "$(field rps "$ours1")" "$(field rps "$ours2")")
ratio=$(awk -v a="$ours_rps" -v b="$naive_rps" 'BEGIN { printf "%.2f", a / b }')
lost=$(( acknowledged > stored ? acknowledged - stored : 0 ))
summary=$(cat <<SUMMARY
naive_rps=$naive_rps failoverd_rps=$ours_rps ratio=$ratio (target >= 1.5)
p99_ms_1conn=$(field p99_ms "$single") (target < 2; the naive C server's in the same run: $(field p99_ms "$naive_single"))
p50_ms_1conn=$(field p50_ms "$single") (naive $(field p50_ms "$naive_single"))  p99_ms_32conn=$(field p99_ms "$ours2")
idle_rss_mb=$idle_rss (target <= 35)  flood_end_rss_mb=$flood_rss (target <= 60)  flood_end_wal_file_mb=$wal_mb
ingest_with_audit_vs_without=$audit_ratio (target: unchanged within noise)
flood_acknowledged=$acknowledged flood_stored_deliveries=$stored flood_episodes=$episodes lost=$lost
SUMMARY
)
echo "== results"
echo "$summary"
{ date -Is; echo "$naive1"; echo "$ours1"; echo "$naive2"; echo "$ours2"; echo "$naive_single"; echo "$single";
  echo "$flood"; echo "$summary"; } >>"$RESULTS/ingest.txt"
[ "$lost" = 0 ] || { echo "acknowledged webhooks are missing" >&2; exit 1; }

echo "== audit log: 1,000,000 events (filtered pages, verify, size)"
"$ROOT/.build/release/failoverd-audit-bench" | tee -a "$RESULTS/audit.txt"
