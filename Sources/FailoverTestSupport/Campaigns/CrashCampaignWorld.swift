import Foundation

/// The crash campaign's DNS: per region `r<N>`, the record `app-r<N> A` in `example.com` at the fake Linode and in
/// `example.org` at the fake DigitalOcean, and the runbook `failover-r<N>` that points both at the secondary and
/// back.
struct CrashCampaignWorld: Sendable {
    /// The primary's and the secondary's address at each provider.
    static let linodeTargets = (primary: "192.0.2.1", secondary: "198.51.100.5")
    static let digitalOceanTargets = (primary: "192.0.2.2", secondary: "198.51.100.6")

    let regions: [String]
    let linode: FakeDNSProviderServer
    let digitalOcean: FakeDNSProviderServer
    /// Record ids per region at each fake.
    let linodeRecords: [String: Int]
    let digitalOceanRecords: [String: Int]

    init(regions count: Int, linode: FakeDNSProviderServer, digitalOcean: FakeDNSProviderServer) {
        regions = (0..<count).map { "r\($0)" }
        self.linode = linode
        self.digitalOcean = digitalOcean
        linode.addZone("example.com")
        digitalOcean.addZone("example.org")
        var linodeRecords: [String: Int] = [:]
        var digitalOceanRecords: [String: Int] = [:]
        for region in regions {
            linodeRecords[region] = linode.addRecord(
                zone: "example.com", name: "app-\(region)", type: "A", target: Self.linodeTargets.primary, ttl: 30)
            digitalOceanRecords[region] = digitalOcean.addRecord(
                zone: "example.org", name: "app-\(region)", type: "A", target: Self.digitalOceanTargets.primary,
                ttl: 60)
        }
        self.linodeRecords = linodeRecords
        self.digitalOceanRecords = digitalOceanRecords
        // A share of record writes is answered late, so that kills also find a DNS write in flight.
        linode.inject(.slowAnswer(.milliseconds(150)), times: 1_000_000, method: .put, pathContaining: "/records/")
        digitalOcean.inject(
            .slowAnswer(.milliseconds(150)), times: 1_000_000, method: .put, pathContaining: "/records/")
    }

    /// The runbook's name for a region.
    static func runbook(_ region: String) -> String { "failover-\(region)" }

    /// Writes the tokens and `failoverd.yml` into `directory`; returns the configuration's path.
    func writeConfiguration(in directory: TemporaryDirectory) throws -> String {
        try directory.write("webhook-token", CrashCampaign.webhookToken + "\n")
        try directory.write("admin-token", CrashCampaign.adminToken + "\n")
        try directory.write("provider-token", CrashCampaign.providerToken + "\n")
        var runbooks = ""
        for region in regions {
            let linodeDNS = { (target: String) in
                "dns: {provider: linode-main, zone: example.com, name: app-\(region), type: A, targets: [\(target)], ttl: 30}"
            }
            let digitalOceanDNS = { (target: String) in
                "dns: {provider: do-main, zone: example.org, name: app-\(region), type: A, targets: [\(target)], ttl: 60}"
            }
            runbooks += """
                  \(Self.runbook(region)):
                    match: ['alertname="PrimaryRegionUnhealthy"', 'region="\(region)"']
                    key_labels: [region]
                    steps:
                      - \(linodeDNS(Self.linodeTargets.secondary))
                      - \(digitalOceanDNS(Self.digitalOceanTargets.secondary))
                    failback:
                      mode: auto
                      hold: 300ms
                      steps:
                        - \(linodeDNS(Self.linodeTargets.primary))
                        - \(digitalOceanDNS(Self.digitalOceanTargets.primary))

                """
        }
        return try directory.write(
            "failoverd.yml",
            """
            server:
              auth:
                webhook: {bearer_token_file: webhook-token}
                admin: {bearer_token_file: admin-token}
            ingest:
              reopen_window: 1s
            engine:
              poll_interval: 100ms
            providers:
              linode-main: {type: linode, token_file: provider-token, base_url: "\(linode.baseURL)"}
              do-main: {type: digitalocean, token_file: provider-token, base_url: "\(digitalOcean.baseURL)"}
            runbooks:
            \(runbooks)
            """)
    }
}
