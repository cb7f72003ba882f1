/// The failoverd configuration the engine benchmark runs: one provider account at the fake Linode and one runbook
/// keyed by `region` whose failover sets `app A` in `example.com`. Engine settings stay at their defaults (four
/// workers, 30 s lease, 1 s poll), as in production; only the wake-up after the webhook's commit starts a failover
/// this fast.
enum EngineBenchConfiguration {
    /// The environment variable that carries the provider token.
    static let tokenVariable = "BENCH_LINODE_TOKEN"
    /// The runbook's name.
    static let runbook = "failover-region"
    /// The target the failover writes.
    static let failoverTarget = "198.51.100.5"

    /// The YAML text.
    static func yaml(listenPort: UInt16, storagePath: String, providerBaseURL: String) -> String {
        """
        server:
          listen_address: 127.0.0.1:\(listenPort)
        storage:
          path: \(storagePath)
        providers:
          linode-bench:
            type: linode
            token_env: \(tokenVariable)
            base_url: \(providerBaseURL)
            request_timeout: 5s
        runbooks:
          \(runbook):
            match: ['alertname="\(IncidentWebhook.alertname)"', 'region=~"bench-.*"']
            key_labels: [region]
            steps:
              - dns:
                  provider: linode-bench
                  zone: \(LinodeRecorder.zoneName)
                  name: \(LinodeRecorder.recordName)
                  type: A
                  targets: [\(failoverTarget)]
                  ttl: \(LinodeRecorder.initialTTL)

        """
    }
}
