/// The runbook of the end-to-end pipeline tests and of `make demo`, as configuration text under `runbooks:`:
/// `PrimaryRegionUnhealthy` in `us-east` checks the secondary's health, then points `app A` at the fake Linode
/// (example.com → 198.51.100.5) and the fake DigitalOcean (example.org → 198.51.100.6) at once; failback after
/// `hold` points them back at 192.0.2.1 and 192.0.2.2.
public enum RegionalFailoverRunbook {
    /// The runbook's name.
    public static let name = "failover-us-east"

    /// The runbook as YAML lines indented for a `runbooks:` mapping.
    public static func yaml(secondaryURL: String, hold: String) -> String {
        """
          \(name):
            match: ['alertname="PrimaryRegionUnhealthy"', 'region="us-east"']
            key_labels: [region]
            steps:
              - http_check: {url: "\(secondaryURL)/healthz", expect_status: 200, attempts: 3, interval: 500ms}
              - parallel:
                  - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [198.51.100.5], ttl: 30}
                  - dns: {provider: do-main, zone: example.org, name: app, type: A, targets: [198.51.100.6], ttl: 60}
            failback:
              mode: auto
              hold: \(hold)
              steps:
                - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [192.0.2.1], ttl: 30}
                - dns: {provider: do-main, zone: example.org, name: app, type: A, targets: [192.0.2.2], ttl: 60}
        """
    }

    /// The Prometheus rule file that fires `PrimaryRegionUnhealthy` for it: every `app_primary` target of a region
    /// down for 2 s (tests and the demo scrape every second).
    public static let prometheusRules = """
        groups:
          - name: failover
            rules:
              - alert: PrimaryRegionUnhealthy
                expr: max by (region) (up{job="app_primary"}) == 0
                for: 2s
                labels: {severity: critical, failover: "true"}
                annotations:
                  summary: "Primary region {{ $labels.region }} is unhealthy"
        """
}
