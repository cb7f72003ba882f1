#!/usr/bin/env bash
# Webhook ingest benchmark (`make bench`): failoverd against a naive C libmicrohttpd server that commits one
# SQLite row per request with synchronous=FULL, measured in one run with Benchmarks/load.sh (wrk).
# Prints: naive and failoverd acknowledgements per second at 32 connections and their ratio, without runbooks
# and with 50 runbooks configured (Benchmarks/runbooks-config.sh), p99 at 1 connection, idle RSS with and
# without the runbooks, RSS at the end of a 32-connection flood of distinct alerts (and the flood's rate with the
# runbooks), whether every acknowledged webhook was stored, and the runbook engine's latency from a webhook's 200
# to the failover's first DNS write (Benchmarks/EngineBench). Everything listens on 127.0.0.1 and stops by itself.
set -euo pipefail
SECONDS_PER_RUN="${1:-10}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BENCH="$HERE/load.sh"
PAYLOAD="$ROOT/Tests/Fixtures/bench/payload.json"
BINARY="$ROOT/.build/release/failoverd"
ENGINE_BENCH="$ROOT/.build/release/failoverd-engine-bench"
WORK="$(mktemp -d /tmp/failoverd-bench.XXXXXX)"
RESULTS="$ROOT/bench-results"
mkdir -p "$RESULTS"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  # failoverd started by the engine benchmark, should that benchmark have died without stopping it.
  if [ -s "$WORK/engine-failoverd.pid" ]; then kill "$(cat "$WORK/engine-failoverd.pid")" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -x "$BENCH" ] || { echo "missing $BENCH" >&2; exit 1; }
[ -r "$PAYLOAD" ] || { echo "missing $PAYLOAD" >&2; exit 1; }
export PAYLOAD
[ -x "$BINARY" ] || { echo "missing $BINARY (make release)" >&2; exit 1; }
[ -x "$ENGINE_BENCH" ] || { echo "missing $ENGINE_BENCH (make release)" >&2; exit 1; }
gcc -O2 -o "$WORK/naive-server" "$HERE/naive-server.c" -lmicrohttpd -lsqlite3 -lpthread
gcc -O2 -o "$WORK/replica-server" "$HERE/replica-server.c" -lmicrohttpd -lsqlite3 -lpthread

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done; echo "not ready: $1" >&2; exit 1; }
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# 50 runbooks, one of them matching the payload; their provider account points at a loopback port nobody
# listens on, so the one failover the payload triggers fails at once (see Benchmarks/runbooks-config.sh).
export BENCH_LINODE_TOKEN=bench-linode-token
RUNBOOKS_CONFIG="$WORK/runbooks-50.yml"
"$HERE/runbooks-config.sh" 50 "http://127.0.0.1:$(free_port)/v4" >"$RUNBOOKS_CONFIG"
chmod 600 "$RUNBOOKS_CONFIG" # failoverd serve refuses a configuration file that others may read
"$BINARY" check-config --config.file "$RUNBOOKS_CONFIG" >/dev/null

# start_failoverd PORT DIR [CONFIG_FILE]
start_failoverd() {
  local port="$1" dir="$2" config=()
  [ -n "${3:-}" ] && config=(--config.file "$3")
  "$BINARY" serve "${config[@]}" --web.listen-address "127.0.0.1:$port" --storage.path "$dir/failoverd.db" \
    --log.level warning >"$dir/failoverd.log" 2>&1 &
  pids+=($!)
  echo $!
}

settle() { sync; sleep 2; }

# CPU time a process has used, in clock ticks (user + system, every thread).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# with_cpu PID START_TICKS RESULT_LINE: the line with the process's CPU time per request appended.
with_cpu() {
  awk -v t="$(( $(cpu_ticks "$1") - $2 ))" -v hz="$(getconf CLK_TCK)" -v n="$(field requests "$3")" -v r="$3" \
    'BEGIN { printf "%s cpu_us_per_request=%.1f\n", r, (n > 0 ? t * 1e6 / hz / n : 0) }'
}

# measure_and_stop PID PORT CONNECTIONS: one load round against the server PID listening on PORT, the result line
# with its CPU time per request; then the server is stopped.
measure_and_stop() {
  local start result
  start=$(cpu_ticks "$1")
  result=$("$BENCH" "http://127.0.0.1:$2/webhook" "$3" "$SECONDS_PER_RUN")
  with_cpu "$1" "$start" "$result"
  kill "$1"; wait "$1" 2>/dev/null || true
}

# Naive and failoverd alternate twice at 32 connections; each figure is the mean of its two rounds, which
# evens out the disk's background writeback between rounds.
naive_round() {
  local port dir pid
  port=$(free_port); dir="$WORK/naive-$1"; mkdir -p "$dir"
  "$WORK/naive-server" "$port" "$dir/naive.db" & pid=$!; pids+=("$pid")
  sleep 0.3
  measure_and_stop "$pid" "$port" "$2"
}

# failoverd_round NAME CONNECTIONS [CONFIG_FILE]: round 1 of each configuration also notes the idle RSS.
failoverd_round() {
  local port dir pid
  port=$(free_port); dir="$WORK/failoverd-$1"; mkdir -p "$dir"
  pid=$(start_failoverd "$port" "$dir" "${3:-}")
  wait_ready "http://127.0.0.1:$port/-/ready"
  sleep 1
  case "$1" in 1) rss_mb "$pid" >"$WORK/idle_rss" ;; runbooks-1) rss_mb "$pid" >"$WORK/idle_rss_runbooks" ;; esac
  measure_and_stop "$pid" "$port" "$2"
}

echo "== 32 connections, same payload: naive reference (one transaction and fsync per request), failoverd, and"
echo "   failoverd with 50 runbooks (one matches the payload; its deliveries after the first are duplicates)"
settle; naive1=$(naive_round 1 32); echo "naive               $naive1"
settle; ours1=$(failoverd_round 1 32); echo "failoverd           $ours1"
settle; runbooks1=$(failoverd_round runbooks-1 32 "$RUNBOOKS_CONFIG"); echo "failoverd+runbooks  $runbooks1"
settle; naive2=$(naive_round 2 32); echo "naive               $naive2"
settle; ours2=$(failoverd_round 2 32); echo "failoverd           $ours2"
settle; runbooks2=$(failoverd_round runbooks-2 32 "$RUNBOOKS_CONFIG"); echo "failoverd+runbooks  $runbooks2"
idle_rss=$(cat "$WORK/idle_rss")
idle_rss_runbooks=$(cat "$WORK/idle_rss_runbooks")

# replica_round NAME CONNECTIONS: failoverd's ingest transaction in C (Benchmarks/replica-server.c), on a database
# that failoverd made and that holds the payload's episodes (failoverd took one webhook and stopped).
replica_round() {
  local port dir pid
  port=$(free_port); dir="$WORK/replica-$1"; mkdir -p "$dir"
  pid=$(start_failoverd "$port" "$dir")
  wait_ready "http://127.0.0.1:$port/-/ready"
  curl -fs -o /dev/null --header 'Content-Type: application/json' --data-binary "@$PAYLOAD" \
    "http://127.0.0.1:$port/webhook"
  # start_failoverd ran in a command substitution, so this shell cannot `wait` for it: poll until it has exited
  # (it checkpoints and closes the database on SIGTERM) before another process opens the file.
  kill "$pid"
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  port=$(free_port)
  "$WORK/replica-server" "$port" "$dir/failoverd.db" & pid=$!; pids+=("$pid")
  sleep 0.3
  measure_and_stop "$pid" "$port" "$2"
}

echo "== 1 connection: latency (the replica: failoverd's transaction committed by a C server, no JSON, no hashing)"
settle; naive_single=$(naive_round 3 1); echo "naive     $naive_single"
settle; replica_single=$(replica_round 1 1); echo "replica   $replica_single"
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
      --log.level warning >"$dir/failoverd.log" 2>&1 & pid=$!; pids+=("$pid")
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

# The same flood with the 50 runbooks: every new episode reaches them, and those of the matching one join its
# incident (the runbook work ingest does per alert).
settle
echo "== failoverd with 50 runbooks: flood of distinct alerts"
port=$(free_port); mkdir -p "$WORK/flood-runbooks"
pid=$(start_failoverd "$port" "$WORK/flood-runbooks" "$RUNBOOKS_CONFIG")
wait_ready "http://127.0.0.1:$port/-/ready"
flood_runbooks=$(PAYLOAD="$PAYLOAD" wrk -t2 -c32 -d"${SECONDS_PER_RUN}s" --timeout 2s -s "$HERE/distinct.lua" \
  "http://127.0.0.1:$port/webhook" | grep '^FLOOD'); echo "$flood_runbooks"
kill "$pid"; wait "$pid" 2>/dev/null || true
stored_runbooks=$(sqlite3 "$WORK/flood-runbooks/failoverd.db" "SELECT count(*) FROM deliveries")
joined_runbooks=$(sqlite3 "$WORK/flood-runbooks/failoverd.db" "SELECT count(*) FROM incident_episodes")
acknowledged_runbooks=$(($(field requests "$flood_runbooks") - $(field non2xx "$flood_runbooks")))

# The runbook engine: one runbook keyed by region, 200 incidents one at a time, from the webhook's 200 to the
# failover's first DNS write at a fake Linode inside the benchmark (Benchmarks/EngineBench).
settle
echo "== runbook engine: webhook 200 -> first DNS write, 200 incidents one at a time"
engine_output=$("$ENGINE_BENCH" --failoverd "$BINARY" --incidents 200 --pid-file "$WORK/engine-failoverd.pid")
grep -v '^ENGINE ' <<<"$engine_output"
engine=$(grep '^ENGINE ' <<<"$engine_output")

mean() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (a + b) / 2 }'; }
naive_rps=$(mean "$(field rps "$naive1")" "$(field rps "$naive2")")
ours_rps=$(mean "$(field rps "$ours1")" "$(field rps "$ours2")")
ratio=$(awk -v a="$ours_rps" -v b="$naive_rps" 'BEGIN { printf "%.2f", a / b }')
runbooks_rps=$(mean "$(field rps "$runbooks1")" "$(field rps "$runbooks2")")
runbooks_ratio=$(awk -v a="$runbooks_rps" -v b="$naive_rps" 'BEGIN { printf "%.2f", a / b }')
per_second() { awk -v r="$1" -v s="$SECONDS_PER_RUN" 'BEGIN { printf "%.1f", r / s }'; }
flood_rps=$(per_second "$(field requests "$flood")")
flood_runbooks_rps=$(per_second "$(field requests "$flood_runbooks")")
lost=$(( acknowledged > stored ? acknowledged - stored : 0 ))
lost_runbooks=$(( acknowledged_runbooks > stored_runbooks ? acknowledged_runbooks - stored_runbooks : 0 ))
summary=$(cat <<SUMMARY
naive_rps=$naive_rps failoverd_rps=$ours_rps ratio=$ratio (target >= 1.5)
with_50_runbooks: failoverd_rps=$runbooks_rps ratio=$runbooks_ratio (target >= 1.5; one runbook matches the payload)
with_50_runbooks: idle_rss_mb=$idle_rss_runbooks (target <= 35; without runbooks $idle_rss)
with_50_runbooks: flood_rps=$flood_runbooks_rps (without runbooks $flood_rps) flood_episodes_joined=$joined_runbooks lost=$lost_runbooks
engine: webhook_200_to_first_dns_write p50_ms=$(field p50_ms "$engine") (target <= 5) p99_ms=$(field p99_ms "$engine") (target <= 20) max_ms=$(field max_ms "$engine") over $(field incidents "$engine") incidents; first after start $(field first_ms "$engine") ms
engine: split 200_to_claim p50/p99_ms=$(field to_claim_p50_ms "$engine")/$(field to_claim_p99_ms "$engine") claim_to_first_write p50/p99_ms=$(field claim_to_write_p50_ms "$engine")/$(field claim_to_write_p99_ms "$engine") (means: claim -> step recorded $(field claim_to_step_mean_ms "$engine"), -> first provider request $(field step_to_request_mean_ms "$engine"), -> write $(field request_to_write_mean_ms "$engine"))
p99_ms_1conn=$(field p99_ms "$single") (target < 2; the naive C server's in the same run: $(field p99_ms "$naive_single"))
p50_ms_1conn=$(field p50_ms "$single") (naive $(field p50_ms "$naive_single"), replica $(field p50_ms "$replica_single"))  p99_ms_32conn=$(field p99_ms "$ours2") (naive $(field p99_ms "$naive2"))
cpu_us_per_request: 32conn $(field cpu_us_per_request "$ours2") (naive $(field cpu_us_per_request "$naive2"))  1conn $(field cpu_us_per_request "$single") (naive $(field cpu_us_per_request "$naive_single"), replica $(field cpu_us_per_request "$replica_single"))
idle_rss_mb=$idle_rss (target <= 35)  flood_end_rss_mb=$flood_rss (target <= 60)  flood_end_wal_file_mb=$wal_mb
ingest_with_audit_vs_without=$audit_ratio (target: unchanged within noise)
flood_acknowledged=$acknowledged flood_stored_deliveries=$stored flood_episodes=$episodes lost=$lost
load_average_at_end=$(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared: figures move with other work on the machine)
SUMMARY
)
echo "== results"
echo "$summary"
{ date -Is; echo "$naive1"; echo "$ours1"; echo "$runbooks1"; echo "$naive2"; echo "$ours2"; echo "$runbooks2";
  echo "$naive_single"; echo "$single"; echo "$flood"; echo "$flood_runbooks"; echo "$engine"; echo "$summary"; } \
  >>"$RESULTS/ingest.txt"
{ date -Is; echo "$engine_output"; } >>"$RESULTS/engine.txt"
if [ "$lost" != 0 ] || [ "$lost_runbooks" != 0 ]; then echo "acknowledged webhooks are missing" >&2; exit 1; fi

echo "== audit log: 1,000,000 events (filtered pages, verify, size)"
"$ROOT/.build/release/failoverd-audit-bench" | tee -a "$RESULTS/audit.txt"

# SOAK_SECONDS=0 skips the soak.
if [ "${SOAK_SECONDS:-300}" != 0 ]; then
  echo "== soak: ${SOAK_SECONDS:-300} s of mixed load with runbooks running, after ${SOAK_WARMUP:-600} s of it (Benchmarks/soak.sh)"
  "$HERE/soak.sh" "${SOAK_SECONDS:-300}" "$BINARY" | tee -a "$RESULTS/soak.txt"
fi
