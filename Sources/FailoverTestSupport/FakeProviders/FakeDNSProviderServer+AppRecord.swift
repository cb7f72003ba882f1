import Logging

extension FakeDNSProviderServer {
    /// A started fake that logs nothing and holds zone `example.com` with `app A 192.0.2.10` (TTL 300), the
    /// record a test's runbook fails over.
    public static func startedWithAppRecord(flavor: Flavor, token: String) throws -> FakeDNSProviderServer {
        let fake = FakeDNSProviderServer(
            flavor: flavor, token: token, logger: Logger(label: "fake", factory: { _ in SwiftLogNoOpLogHandler() }))
        try fake.start()
        fake.addZone("example.com")
        fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.10", ttl: 300)
        return fake
    }
}
