#!/usr/bin/env bash
# The long crash and fault campaigns (`make chaos`): failoverd-chaos against the debug failoverd binary.
# Usage: Benchmarks/chaos.sh [KILLS] [SEED]. Each campaign prints its figures and exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

kills="${1:-200}"
seed="${2:-$(date +%s)}"
bin=".build/debug"

echo "== crash campaign: ${kills} kills, seed ${seed}"
crash_status=0
FAILOVERD_BINARY="${bin}/failoverd" "${bin}/failoverd-chaos" crash --kills "${kills}" --seed "${seed}" || crash_status=$?

echo "== fault campaign"
fault_status=0
FAILOVERD_BINARY="${bin}/failoverd" "${bin}/failoverd-chaos" faults || fault_status=$?

if [ "${crash_status}" -ne 0 ] || [ "${fault_status}" -ne 0 ]; then
  echo "chaos: crash campaign exit ${crash_status}, fault campaign exit ${fault_status}"
  exit 1
fi
