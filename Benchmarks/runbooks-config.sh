#!/usr/bin/env bash
# Benchmarks/runbooks-config.sh COUNT PROVIDER_BASE_URL
#
# Prints a failoverd configuration with COUNT runbooks (default 50) for `make bench`'s ingest rounds, as an
# operator with many services would write them: each matches one alertname and a region pattern
# (`alertname="…"`, `region=~"…"`), is keyed by region, fails over with a DNS step and fails back after a hold.
# Exactly one matches the bench payload (Tests/Fixtures/bench/payload.json: PrimaryRegionUnhealthy in us-east):
# the first, `primary-region`. Its failover runs once, at the payload's first delivery; every later delivery
# is a duplicate. The provider account points at PROVIDER_BASE_URL with one attempt (run.sh passes a closed
# loopback port, so that failover fails at once instead of reaching anything); its token is read from
# $BENCH_LINODE_TOKEN.
set -euo pipefail
count="${1:-50}"
base_url="${2:-http://127.0.0.1:9/v4}"
[[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "runbooks-config.sh: COUNT must be a positive integer" >&2; exit 2; }

services=(Checkout Payments Search Catalog Accounts Inventory Shipping Pricing Reviews Media)
symptoms=(Unavailable LatencyHigh ErrorRateHigh Saturated Degraded)
regions=('us-(east|west)-[0-9]' 'eu-(central|west)-[0-9]' 'ap-(south|northeast)-[0-9]' 'sa-east-1' 'us-east-2|ca-central-1')

cat <<YAML
providers:
  linode-main:
    type: linode
    token_env: BENCH_LINODE_TOKEN
    base_url: $base_url
    request_timeout: 2s
    max_attempts: 1
runbooks:
  primary-region:
    match: ['alertname="PrimaryRegionUnhealthy"', 'region=~"us-east|us-west"']
    key_labels: [region]
    steps:
      - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [198.51.100.5], ttl: 30}
    failback:
      mode: auto
      hold: 15m
      steps:
        - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [192.0.2.1], ttl: 30}
YAML
for ((index = 1; index < count; index++)); do
  service=${services[$((index % ${#services[@]}))]}
  symptom=${symptoms[$(((index / ${#services[@]}) % ${#symptoms[@]}))]}
  region=${regions[$((index % ${#regions[@]}))]}
  name=$(tr '[:upper:]' '[:lower:]' <<<"$service-$symptom")-$index
  cat <<YAML
  $name:
    match: ['alertname="$service$symptom"', 'region=~"$region"']
    key_labels: [region]
    steps:
      - dns: {provider: linode-main, zone: example.com, name: ${name}, type: A, targets: [198.51.100.$((index % 250 + 1))], ttl: 30}
    failback:
      mode: auto
      hold: 15m
      steps:
        - dns: {provider: linode-main, zone: example.com, name: ${name}, type: A, targets: [192.0.2.$((index % 250 + 1))], ttl: 30}
YAML
done
