import FailoverConfig
import FailoverCore
import FailoverService
import FailoverTestSupport
import Foundation
import GRDB
import Logging
import Synchronization

/// failoverd with runbooks, its providers pointed at a fake Linode and a fake DigitalOcean, the admin and read
/// credentials configured; webhooks are Alertmanager-shaped bodies built here.
struct RunbookServiceFixture {
    static let adminToken = "admin-7c4e-secret"
    static let readToken = "read-5d1a-secret"
    static let webhookToken = "hook-9e2b-secret"

    let service: ServiceFixture
    let linode: FakeDNSProviderServer
    let digitalocean: FakeDNSProviderServer
    /// The configuration document the service reloads.
    let source: SharedValue<String>

    /// Starts the fakes (zones example.com at Linode and example.org at DigitalOcean, each with `app A 192.0.2.1`)
    /// and the service with `runbooks` (YAML under `runbooks:`).
    static func start(
        runbooks: String, providerTimeout: String = "5s", maxAttempts: Int = 4, extra: String = "",
        webhookPassword: String? = nil
    ) async throws -> RunbookServiceFixture {
        let (logger, _) = InMemoryLogHandler.logger()
        let linode = FakeDNSProviderServer(flavor: .linode, token: "linode-token", logger: logger)
        let digitalocean = FakeDNSProviderServer(flavor: .digitalOcean, token: "do-token", logger: logger)
        try linode.start()
        try digitalocean.start()
        linode.addZone("example.com")
        digitalocean.addZone("example.org")
        linode.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 30)
        digitalocean.addRecord(zone: "example.org", name: "app", type: "A", target: "192.0.2.2", ttl: 60)
        let yaml = document(
            runbooks: runbooks, providerTimeout: providerTimeout, maxAttempts: maxAttempts, extra: extra,
            linode: linode.baseURL, digitalocean: digitalocean.baseURL)
        let parsed: FailoverConfiguration
        do {
            parsed = try ConfigurationLoader.parse(yaml: yaml, source: "test.yml")
        } catch {
            await linode.stop()
            await digitalocean.stop()
            throw FixtureError("\(error)")
        }
        let source = SharedValue(yaml)
        let base = SharedValue(FailoverConfiguration.defaults)
        do {
            let service = try ServiceFixture(
                auth: CredentialSettings(
                    bearerToken: .environment("WEBHOOK_TOKEN"),
                    basicAuth: webhookPassword.map { _ in
                        BasicAuthSettings(username: "alertmanager", password: .environment("WEBHOOK_PASSWORD"))
                    }),
                read: CredentialSettings(bearerToken: .environment("READ_TOKEN")),
                environment: [
                    "LINODE_TOKEN": "linode-token", "DO_TOKEN": "do-token", "WEBHOOK_TOKEN": webhookToken,
                    "READ_TOKEN": readToken, "ADMIN_TOKEN": adminToken, "WEBHOOK_PASSWORD": webhookPassword ?? "",
                ],
                reloadSource: {
                    var configuration = base.value
                    apply(try ConfigurationLoader.parse(yaml: source.value, source: "test.yml"), to: &configuration)
                    return configuration
                }
            ) { configuration in
                apply(parsed, to: &configuration)
            }
            base.value = service.configuration
            return RunbookServiceFixture(service: service, linode: linode, digitalocean: digitalocean, source: source)
        } catch {
            await linode.stop()
            await digitalocean.stop()
            throw error
        }
    }

    /// The parts of the configuration the YAML sets; the rest (listen address, storage, credentials of webhook and
    /// read) is the service fixture's.
    static func apply(_ parsed: FailoverConfiguration, to configuration: inout FailoverConfiguration) {
        configuration.providers = parsed.providers
        configuration.runbooks = parsed.runbooks
        configuration.engine = parsed.engine
        configuration.ingest = parsed.ingest
        configuration.server.auth.admin = CredentialSettings(bearerToken: .environment("ADMIN_TOKEN"))
        configuration.server.auth.failureLimit = parsed.server.auth.failureLimit
    }

    /// The configuration document: the two fake providers, a fast engine poll, `extra`, then `runbooks`.
    func document(runbooks: String, extra: String = "") -> String {
        Self.document(
            runbooks: runbooks, providerTimeout: "5s", maxAttempts: 4, extra: extra, linode: linode.baseURL,
            digitalocean: digitalocean.baseURL)
    }

    private static func document(
        runbooks: String, providerTimeout: String, maxAttempts: Int, extra: String, linode: String,
        digitalocean: String
    ) -> String {
        """
        providers:
          linode-main:
            type: linode
            token_env: LINODE_TOKEN
            base_url: \(linode)
            request_timeout: \(providerTimeout)
            max_attempts: \(maxAttempts)
          do-main:
            type: digitalocean
            token_env: DO_TOKEN
            base_url: \(digitalocean)
            request_timeout: \(providerTimeout)
            max_attempts: \(maxAttempts)
        engine:
          poll_interval: 100ms
        \(extra)
        runbooks:
        \(runbooks)
        """
    }

    /// Replaces the configuration document and asks the service to reload it (`POST /-/reload`, admin).
    func reload(_ document: String, token: String? = adminToken) async throws -> TestHTTPResponse {
        source.value = document
        return try await post("/-/reload", token: token)
    }
    /// Starts the fixture, runs `body`, and stops everything whether `body` throws or not.
    static func run(
        runbooks: String, providerTimeout: String = "5s", maxAttempts: Int = 4, extra: String = "",
        webhookPassword: String? = nil, _ body: (RunbookServiceFixture) async throws -> Void
    ) async throws {
        let fixture = try await start(
            runbooks: runbooks, providerTimeout: providerTimeout, maxAttempts: maxAttempts, extra: extra,
            webhookPassword: webhookPassword)
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }

    func stop() async {
        await service.stop()
        await linode.stop()
        await digitalocean.stop()
    }

    /// Posts an Alertmanager-shaped webhook with one alert.
    @discardableResult
    func alert(
        _ status: String, region: String = "us-east", fingerprint: String = "7f3afce3415c4ace",
        startsAt: String = "2026-11-21T16:37:18.416Z", endsAt: String? = nil
    ) async throws -> TestHTTPResponse {
        let ends = endsAt ?? (status == "resolved" ? "2026-11-21T16:47:18Z" : "0001-01-01T00:00:00Z")
        let body = """
            {"receiver":"failoverd","status":"\(status)","alerts":[{"status":"\(status)",\
            "labels":{"alertname":"PrimaryRegionUnhealthy","region":"\(region)","instance":"10.0.0.1:8080"},\
            "annotations":{"summary":"Primary region \(region) is unhealthy"},"startsAt":"\(startsAt)",\
            "endsAt":"\(ends)","generatorURL":"http://prometheus:9090/graph","fingerprint":"\(fingerprint)"}],\
            "groupLabels":{"alertname":"PrimaryRegionUnhealthy"},"commonLabels":{},"commonAnnotations":{},\
            "externalURL":"http://alertmanager:9093","version":"4","groupKey":"{}:{alertname=\\"PrimaryRegionUnhealthy\\"}",\
            "truncatedAlerts":0}

            """
        return try await TestHTTP.postJSON(
            port: service.port, "/webhook", Array(body.utf8),
            headers: [("Authorization", "Bearer \(Self.webhookToken)")])
    }

    func get(_ path: String, token: String? = readToken) async throws -> TestHTTPResponse {
        try await service.get(path, headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    func post(_ path: String, _ body: String = "", token: String? = adminToken) async throws -> TestHTTPResponse {
        try await TestHTTP.postJSON(
            port: service.port, path, Array(body.utf8),
            headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    func executions() async throws -> [[String: Any]] {
        try await get("/api/v1/executions").json()["executions"] as? [[String: Any]] ?? []
    }

    func execution(_ id: Int) async throws -> [String: Any] {
        try await get("/api/v1/executions/\(id)").json()
    }

    /// Targets of `app A` at each fake.
    var linodeTargets: [String] { linode.records(zone: "example.com", name: "app", type: "A").map(\.target).sorted() }
    var digitaloceanTargets: [String] {
        digitalocean.records(zone: "example.org", name: "app", type: "A").map(\.target).sorted()
    }

    /// Polls until `condition` holds.
    func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws
    {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw FixtureError("timed out waiting until \(what): \(try await executions())")
    }

    /// Waits until no execution is scheduled or running.
    func waitUntilIdle(timeout: Duration = .seconds(60)) async throws {
        try await waitUntil("every execution ended", timeout: timeout) {
            try await executions().allSatisfy { !["scheduled", "running"].contains($0["state"] as? String ?? "") }
        }
    }

    func auditTypes() async throws -> [String] {
        let events = try await get("/api/v1/audit?limit=1000").json()["events"] as? [[String: Any]] ?? []
        return events.compactMap { $0["type"] as? String }.reversed()
    }
}

/// A value tests and the service's closures share (the configuration document a test replaces before a reload).
final class SharedValue<Value: Sendable>: Sendable {
    private let current: Mutex<Value>

    init(_ value: Value) { current = Mutex(value) }

    var value: Value {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The runbook most tests use: both providers in parallel, automatic failback after a short hold.
enum Runbooks {
    static let twoProviders = """
          failover-us-east:
            match: ['alertname="PrimaryRegionUnhealthy"', 'region="us-east"']
            key_labels: [region]
            steps:
              - parallel:
                  - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [198.51.100.5], ttl: 30}
                  - dns: {provider: do-main, zone: example.org, name: app, type: A, targets: [198.51.100.6], ttl: 60}
            failback:
              mode: auto
              hold: 200ms
              steps:
                - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [192.0.2.1], ttl: 30}
                - dns: {provider: do-main, zone: example.org, name: app, type: A, targets: [192.0.2.2], ttl: 60}
        """
}
