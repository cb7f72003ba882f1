#!/usr/bin/env bash
# Checks the Prometheus, Alertmanager and Grafana files of a prometheus/ folder with the real tools:
#   - promtool check config and check rules (lint findings are errors), promtool test rules;
#   - every alert has a unit test where it fires and one where it does not;
#   - amtool check-config, and amtool routes every alert: failover="true" to failoverd's webhook and to
#     people, every other alert never to failoverd;
#   - every PromQL expression of the Grafana dashboard (panels, variables, annotations) parsed by promtool;
#   - every metric name in the rules and the dashboard is in metric-names.txt (or the file given).
# Prints each check with ok or FAIL and what failed; exits 1 when any check failed.
#
# Usage: check.sh [--metric-names FILE] [FOLDER]   (FOLDER: default the folder of this script)
# Needs promtool and amtool (Debian: prometheus, prometheus-alertmanager) and python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
folder="$here"
names=""
while (($# > 0)); do
    case "$1" in
        --metric-names)
            (($# >= 2)) || { echo "check.sh: --metric-names needs a file" >&2; exit 2; }
            names="$2"
            shift 2
            ;;
        -h | --help)
            sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        -*)
            echo "check.sh: unknown option $1" >&2
            exit 2
            ;;
        *)
            folder="$1"
            shift
            ;;
    esac
done
[[ -d "$folder" ]] || { echo "check.sh: $folder is not a folder" >&2; exit 2; }
folder="$(cd "$folder" && pwd)"
names="${names:-$folder/metric-names.txt}"
[[ "$names" = /* ]] || names="$PWD/$names"

for tool in promtool amtool python3; do
    command -v "$tool" >/dev/null || {
        echo "check.sh: $tool is missing (Debian: apt-get install prometheus prometheus-alertmanager python3)" >&2
        exit 2
    }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/failoverd-prometheus-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

failures=0
# run LABEL COMMAND...: runs the command, prints ok or FAIL with its output indented.
run() {
    local label="$1" output
    shift
    if output="$("$@" 2>&1)"; then
        printf 'ok    %s\n' "$label"
        printf '%s\n' "$output" | sed '/^[[:space:]]*$/d; s/^/        /'
    else
        printf 'FAIL  %s\n' "$label"
        printf '%s\n' "$output" | sed 's/^/        /'
        failures=$((failures + 1))
    fi
}

shopt -s nullglob
rules=()
tests=()
for file in "$folder"/rules/*.yml; do
    if [[ "$file" == *.test.yml ]]; then tests+=("$file"); else rules+=("$file"); fi
done
shopt -u nullglob

echo "Checking $folder"
cd "$folder"
run "promtool check config prometheus.yml" promtool check config --lint=all --lint-fatal prometheus.yml
if ((${#rules[@]} == 0)); then
    echo "FAIL  no rules files in $folder/rules"
    failures=$((failures + 1))
else
    run "promtool check rules ${rules[*]#"$folder/"}" promtool check rules --lint=all --lint-fatal "${rules[@]}"
fi
if ((${#tests[@]} == 0)); then
    echo "FAIL  no rules/*.test.yml unit tests in $folder"
    failures=$((failures + 1))
else
    run "promtool test rules ${tests[*]#"$folder/"}" promtool test rules "${tests[@]}"
fi
run "every alert is unit-tested firing and not firing" python3 "$here/check_support.py" coverage "$folder"
run "amtool check-config alertmanager.yml" amtool check-config alertmanager.yml
run "amtool config routes test for every alert" python3 "$here/check_support.py" routes "$folder"
run "the dashboard: its structure, and its PromQL through promtool check rules" \
    python3 "$here/check_support.py" dashboard "$folder" "$work"
run "metric names are those of ${names#"$folder/"}" python3 "$here/check_support.py" names "$folder" "$names"

if ((failures > 0)); then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all checks passed"
