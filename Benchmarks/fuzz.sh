#!/usr/bin/env bash
# make fuzz: runs every fuzz target of failoverd-fuzz under libFuzzer for a fixed number of executions, starting
# from the seed corpus in Tests/Fixtures/fuzz/TARGET, and prints executions, coverage and findings per target.
# A crasher is written to .build-fuzz/crashers/TARGET-crash-…; copy it into Tests/Fixtures/fuzz/TARGET/ and
# `make test` replays it from then on.
#
# Usage: Benchmarks/fuzz.sh BINARY [RUNS] [TARGET…]; FUZZ_OPTIONS adds libFuzzer flags (-max_total_time=SECONDS).
set -euo pipefail

binary=${1:?usage: fuzz.sh BINARY [RUNS] [TARGET...]}
runs=${2:-1000000}
shift 2 || shift $#
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(webhook matcher template config audit-query provider)
fi

top=$(cd "$(dirname "$0")/.." && pwd)
work="$top/.build-fuzz/work"
crashers="$top/.build-fuzz/crashers"
mkdir -p "$work" "$crashers"
# Leaks outside failoverd's code that a target reaches (each explained in the file).
export LSAN_OPTIONS="suppressions=$top/Benchmarks/sanitizers/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="suppressions=$top/Benchmarks/sanitizers/asan.supp${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

printf '%-12s %12s %9s %8s %10s %8s %9s\n' target executions seconds cov features corpus findings
failed=0
for target in "${targets[@]}"; do
  seeds="$top/Tests/Fixtures/fuzz/$target"
  corpus="$work/$target"
  mkdir -p "$corpus"
  log="$work/$target.log"
  started=$(date +%s)
  # New inputs that add coverage go to the work corpus; the seeds stay as committed.
  status=0
  # shellcheck disable=SC2086 # FUZZ_OPTIONS is a list of libFuzzer flags (-max_total_time=600, -jobs=2, ...).
  "$binary" "$target" -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 ${FUZZ_OPTIONS:-} \
    -artifact_prefix="$crashers/$target-" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  seconds=$(($(date +%s) - started))
  stats=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  executions=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}' || true)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$stats")
  features=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$stats")
  size=$(find "$corpus" -type f | wc -l)
  findings=$(find "$crashers" -name "$target-*" -type f | wc -l)
  printf '%-12s %12s %9s %8s %10s %8s %9s\n' "$target" "${executions:-?}" "$seconds" "${cov:-?}" \
    "${features:-?}" "$size" "$findings"
  if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
    failed=1
    echo "  $target: libFuzzer exited $status; see $log" >&2
    grep -E 'ERROR|Fatal error|SUMMARY' "$log" | head -n 5 >&2 || true
  fi
done
exit "$failed"
