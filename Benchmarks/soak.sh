#!/usr/bin/env bash
# Benchmarks/soak.sh [SECONDS] [BINARY]: failoverd under a paced, mixed load for SECONDS (default 300) with
# runbooks running, then prints errors and the slopes of resident memory and open descriptors.
# SOAK_WARMUP (default 600) seconds of the same load come first and are not judged: the C allocator's per-thread
# caches and free lists and SQLite's page caches fill for about ten minutes (a 40-minute soak on 2026-12-03:
# anonymous memory +145 KiB a minute over minutes 1-10, +10 over minutes 10-30; the README has the rest of it).
#
# The load: wrk with Benchmarks/soak.lua (4 connections, firing/duplicate/resolved webhooks over 16 regions, so
# incidents open and close all along), and a reader polling the operator API, the status page and /metrics
# every 250 ms. Every firing period runs a failover of its region's key (an http_check of failoverd's own
# /-/healthy, an exec of /bin/true, a wait), and its resolution a failback. Samples RSS, its anonymous part (heap,
# stacks) and descriptors every 5 s; slopes are least squares over the samples of the SECONDS after the warm-up
# (without one: after the first minute, or the first fifth of a shorter run); the warm-up's own slopes are printed
# on a WARMUP line. "flat": under 256 KiB of anonymous memory and 0.1 descriptor per minute. RSS is
# printed beside it but not judged: most of its rise is the binary's own code paged in as the load reaches new paths
# (file-backed, 37 MB of a static build once everything has run), which a leak never is.
# The HEAP line splits the heap, from /metrics: the C allocator's live bytes, the freed bytes it keeps, SQLite's bytes.
# SOAK_TIMEOUT: wrk's per-request timeout (2s).
set -euo pipefail
DURATION="${1:-300}"
WARMUP="${SOAK_WARMUP:-600}"
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || { echo "SECONDS must be a positive integer, not '$DURATION'" >&2; exit 2; }
[[ "$WARMUP" =~ ^[0-9]+$ ]] || { echo "SOAK_WARMUP must be a whole number of seconds, not '$WARMUP'" >&2; exit 2; }
TOTAL=$((WARMUP + DURATION))
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
BINARY="${2:-$ROOT/.build/release/failoverd}"
WORK="$(mktemp -d /tmp/failoverd-soak.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
[ -x "$BINARY" ] || { echo "missing $BINARY (make release)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is needed (make bench-deps)" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
cat >"$WORK/failoverd.yml" <<YAML
runbooks:
  soak-region:
    match: ['alertname="SoakRegionDown"']
    key_labels: [region]
    steps:
      - http_check: {url: "$base/-/healthy", expect_status: 200, attempts: 2, interval: 100ms}
      - exec: {command: ["/bin/true", "{{ labels.region }}"], timeout: 5s}
      - wait: 50ms
    failback:
      mode: auto
      hold: 1s
      steps:
        - http_check: {url: "$base/-/healthy", expect_status: 200}
        - exec: {command: ["/bin/true", "failback"], timeout: 5s}
YAML
chmod 600 "$WORK/failoverd.yml"
"$BINARY" check-config --config.file "$WORK/failoverd.yml" >/dev/null
"$BINARY" serve --config.file "$WORK/failoverd.yml" --web.listen-address "127.0.0.1:$port" \
  --storage.path "$WORK/failoverd.db" --log.level warning >"$WORK/failoverd.log" 2>&1 &
pid=$!
pids+=("$pid")
for _ in $(seq 1 200); do curl -fs -o /dev/null "$base/-/ready" && break; sleep 0.05; done
curl -fs -o /dev/null "$base/-/ready" || { echo "failoverd did not start:" >&2; cat "$WORK/failoverd.log" >&2; exit 1; }

# The reader: operator API, status page and metrics, counting answers that are not 200.
(
  errors=0 reads=0
  end=$((SECONDS + TOTAL))
  while [ "$SECONDS" -lt "$end" ]; do
    for path in /api/v1/executions?limit=20 /api/v1/incidents?limit=20 /api/v1/audit?limit=50 / /metrics; do
      code=$(curl -s -o /dev/null -w '%{http_code}' "$base$path" || echo 000)
      reads=$((reads + 1))
      [ "$code" = 200 ] || errors=$((errors + 1))
    done
    sleep 0.25
  done
  echo "READER reads=$reads errors=$errors" >"$WORK/reader.txt"
) &
pids+=("$!")

# The sampler: seconds since start, RSS, open descriptors, anonymous RSS, and from /metrics the C allocator's live
# and kept-free bytes and SQLite's (all in KiB; -1 when the scrape failed).
(
  started=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    anon=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status")
    fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
    # A failed scrape must not end the sampler (set -e with pipefail): awk then prints -1s.
    heap=$({ curl -fs "$base/metrics" || true; } | awk '
      $1 == "failoverd_heap_allocated_bytes" {a = $2} $1 == "failoverd_heap_free_bytes" {f = $2}
      $1 == "failoverd_sqlite_memory_bytes" {s = $2}
      END {printf "%d %d %d", a == "" ? -1024 : a / 1024, f == "" ? -1024 : f / 1024, s == "" ? -1024 : s / 1024}')
    echo "$((SECONDS - started)) $rss $fds $anon $heap" >>"$WORK/samples.txt"
    sleep 5
  done
) &
pids+=("$!")

wrk -t 2 -c 4 -d "${TOTAL}s" --timeout "${SOAK_TIMEOUT:-2s}" -s "$HERE/soak.lua" "$base/webhook" >"$WORK/wrk.txt" 2>&1
wait "${pids[1]}" 2>/dev/null || true
# Let the last executions finish before counting them.
for _ in $(seq 1 100); do
  running=$(sqlite3 "file:$WORK/failoverd.db?mode=ro" \
    "SELECT count(*) FROM executions WHERE state IN ('running')" 2>/dev/null || echo 1)
  [ "$running" = 0 ] && break
  sleep 0.1
done
states=$(sqlite3 "file:$WORK/failoverd.db?mode=ro" \
  "SELECT state || '=' || count(*) FROM executions GROUP BY state ORDER BY state" | paste -sd ' ')
errors_logged=$(grep -c 'level=error\|"level":"error"\| error ' "$WORK/failoverd.log" || true)
verify=$("$BINARY" audit verify --storage.path "$WORK/failoverd.db" 2>&1 | head -n 1)

python3 - "$WORK/samples.txt" "$DURATION" "$WARMUP" <<'PY'
import sys
rows = [tuple(map(float, line.split())) for line in open(sys.argv[1]) if line.strip()]
duration, warmup = float(sys.argv[2]), float(sys.argv[3])
warm = warmup if warmup > 0 else min(60.0, duration / 5)
tail = [r for r in rows if r[0] >= warm] or rows
def slope(index, rows_used=None):
    rows_used = rows_used or tail
    if len(rows_used) < 2:
        return 0.0
    xs = [r[0] / 60 for r in rows_used]; ys = [r[index] for r in rows_used]
    n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    return 0.0 if var == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var
rss, fds, anon = slope(1), slope(2), slope(3)
if warmup > 0:
    filling = [r for r in rows if r[0] < warm]
    if len(filling) >= 2:
        print(f"WARMUP seconds={warmup:.0f} anon_kib_per_min={slope(3, filling):.1f} "
              f"anon_first_mb={filling[0][3]/1024:.1f} anon_last_mb={filling[-1][3]/1024:.1f} (not judged)")
print(f"SAMPLES n={len(rows)} rss_first_mb={rows[0][1]/1024:.1f} rss_last_mb={rows[-1][1]/1024:.1f} "
      f"rss_peak_mb={max(r[1] for r in rows)/1024:.1f} anon_first_mb={rows[0][3]/1024:.1f} "
      f"anon_last_mb={rows[-1][3]/1024:.1f} fds_first={int(rows[0][2])} fds_last={int(rows[-1][2])}")
# What the anonymous memory is made of (from /metrics): the heap's live bytes, the freed bytes glibc keeps, SQLite's.
scraped = [r for r in tail if len(r) > 6 and min(r[4:7]) >= 0]
if len(scraped) >= 2:
    print(f"HEAP allocated_kib_per_min={slope(4, scraped):.1f} free_kib_per_min={slope(5, scraped):.1f} "
          f"sqlite_kib_per_min={slope(6, scraped):.1f} allocated_last_mb={scraped[-1][4]/1024:.1f} "
          f"free_last_mb={scraped[-1][5]/1024:.1f} sqlite_last_mb={scraped[-1][6]/1024:.1f}")
# Flat: under 256 KiB of anonymous memory per minute (15 MiB an hour) and under 0.1 descriptor per minute.
verdict = "flat" if anon < 256 and fds < 0.1 else "GROWING"
judged = "the warm-up" if warmup > 0 else f"the first {warm:.0f} s"
print(f"SLOPES anon_kib_per_min={anon:.1f} fds_per_min={fds:.3f} ({verdict}, after {judged}) "
      f"rss_kib_per_min={rss:.1f}")
PY
grep '^SOAK' "$WORK/wrk.txt" || { cat "$WORK/wrk.txt" >&2; exit 1; }
cat "$WORK/reader.txt"
echo "EXECUTIONS $states"
echo "LOG error_lines=$errors_logged"
echo "AUDIT $verify"
