import FailoverCore
import FailoverDNS
import FailoverHTTPClient
import FailoverHTTPServer
import FailoverTestSupport
import Foundation
import Logging

/// A running fake provider, a provider pointed at it, and what the test needs to inspect both.
struct ProviderHarness {
    static let token = "tok-3c0ffee-very-secret-9f1d"

    let fake: FakeDNSProviderServer
    let provider: any DNSProvider
    let timing: InstantTiming
    let logs: LogRecorder
    /// The relay the provider talks through, when the test asked for one.
    let proxy: ConnectionDroppingProxy?

    /// Starts a fake with zone `example.com`, runs `body` and always stops the fake.
    static func run<Result>(
        _ flavor: FakeDNSProviderServer.Flavor, token: String = ProviderHarness.token, fakeToken: String? = nil,
        maxAttempts: Int = 4, requestTimeout: Duration = .seconds(30), throughProxy: Bool = false,
        _ body: (ProviderHarness) async throws -> Result
    ) async throws -> Result {
        let logs = LogRecorder()
        let fake = FakeDNSProviderServer(flavor: flavor, token: fakeToken ?? token, logger: logs.logger())
        try fake.start()
        fake.addZone("example.com")
        let timing = InstantTiming()
        let proxy = throughProxy ? try ConnectionDroppingProxy(upstreamPort: fake.port) : nil
        let baseURL =
            proxy.map { proxy in
                "http://127.0.0.1:\(proxy.port)" + (flavor == .linode ? "/v4" : "")
            } ?? fake.baseURL
        let account = ProviderAccountConfiguration(
            name: "\(flavor)-main", kind: flavor == .linode ? .linode : .digitalocean,
            token: .environment("FAILOVERD_TEST_TOKEN"), baseURL: baseURL, connectTimeout: .seconds(10),
            requestTimeout: requestTimeout, maxAttempts: maxAttempts, maxRetryDuration: .seconds(120))
        let harness = ProviderHarness(
            fake: fake,
            provider: try ProviderFactory.make(
                account: account, token: token, logger: logs.logger(), timing: timing.timing),
            timing: timing, logs: logs, proxy: proxy)
        do {
            let result = try await body(harness)
            proxy?.stop()
            await fake.stop()
            return result
        } catch {
            proxy?.stop()
            await fake.stop()
            throw error
        }
    }

    /// Records of the fake's `example.com` zone for (`name`, `type`), as `target ttl` strings, sorted.
    func stored(_ name: String, _ type: String) -> [String] {
        fake.records(zone: "example.com", name: name, type: type).map { "\($0.target) \($0.ttl)" }.sorted()
    }

    /// A desired state; traps on invalid input (tests pass valid input).
    static func desired(_ targets: [String], ttl: Int) -> DNSDesiredState {
        do {
            return try DNSDesiredState(targets: targets, ttl: ttl)
        } catch {
            preconditionFailure("invalid desired state: \(error)")
        }
    }

    /// Whether any log line contains the token.
    var logsContainToken: Bool { logs.all.contains { $0.contains(Self.token) } }
}
