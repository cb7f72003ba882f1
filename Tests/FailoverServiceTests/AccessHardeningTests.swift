import FailoverConfig
import FailoverCore
import FailoverService
import FailoverTestSupport
import Foundation
import Testing

@Suite("Access hardening: allow-lists, trusted proxies, failure limits, refusals before the body")
struct AccessHardeningTests {
    static let token = "s3cr3t-hook-token-4471"
    static let environment = ["HOOK_TOKEN": token, "READ_TOKEN": "r3ad-token-9921"]
    static let bearer = CredentialSettings(bearerToken: .environment("HOOK_TOKEN"))
    static let authorized = [("Authorization", "Bearer \(token)")]

    static func networks(_ texts: [String]) -> [NetworkRange] {
        texts.map { try! NetworkRange(parsing: $0) }
    }

    /// The value of `failoverd_http_auth_failures_total` at `door` for `reason`, 0 when the series is absent.
    static func failures(_ fixture: ServiceFixture, _ door: String, _ reason: String) async throws -> Double {
        let series = "failoverd_http_auth_failures_total{door=\"\(door)\",reason=\"\(reason)\"}"
        let text = try await fixture.get("/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return 0
    }

    @Test("an Authorization header without a scheme word is never repeated in the answer or the log")
    func headerWithoutScheme() async throws {
        let fixture = try ServiceFixture(auth: Self.bearer, environment: Self.environment)
        let response = try await fixture.post(try captured("single-firing"), headers: [("Authorization", Self.token)])
        #expect(response.status == 401)
        #expect(!response.text.contains(Self.token))
        #expect(try response.json()["message"] as? String != nil)
        #expect(!fixture.logs.all.contains { "\($0.message) \($0.metadata)".contains(Self.token) })
        #expect(try await Self.failures(fixture, "webhook", "unsupported_scheme") == 1)
        await fixture.stop()
    }

    @Test("a method the server does not know is counted as `other`, not as what the client sent")
    func unknownMethodLabel() async throws {
        let fixture = try ServiceFixture()
        for method in ["BREW", "X-SCAN-4471", "PROPFIND"] {
            let response = try await TestHTTP.send(port: fixture.port, method, "/metrics")
            #expect(response.status == 405)
        }
        let text = try await fixture.get("/metrics").text
        #expect(!text.contains("BREW") && !text.contains("X-SCAN-4471") && !text.contains("PROPFIND"))
        #expect(text.contains(#"method="other""#))
        await fixture.stop()
    }

    @Test("an unauthenticated webhook announcing a large body gets its 401 at once, without sending the body")
    func refusedBeforeTheBody() async throws {
        let fixture = try ServiceFixture(auth: Self.bearer, environment: Self.environment)
        let connection = try TestHTTPConnection(port: fixture.port, timeout: .seconds(10))
        let head =
            "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: 1000000\r\n\r\n"
        try connection.sendRaw(Array(head.utf8) + [UInt8](repeating: UInt8(ascii: " "), count: 4096))
        let response = try await connection.receive(method: "POST")
        #expect(response.status == 401)
        #expect(try response.json()["error"] as? String == "unauthorized")
        #expect(try fixture.count("deliveries") == 0)
        await fixture.stop()
    }

    @Test("a caller outside the door's networks gets 403 whatever its credential; other doors are unaffected")
    func allowList() async throws {
        let fixture = try ServiceFixture(
            auth: CredentialSettings(
                bearerToken: .environment("HOOK_TOKEN"), allowedNetworks: Self.networks(["10.0.0.0/8", "::1/128"])),
            read: CredentialSettings(allowedNetworks: Self.networks(["127.0.0.0/8"])), environment: Self.environment)
        for headers in [Self.authorized, [], [("Authorization", "Bearer wrong")]] {
            let response = try await fixture.post(try captured("single-firing"), headers: headers)
            #expect(response.status == 403)
            #expect(try response.json()["error"] as? String == "network_not_allowed")
            #expect(
                try response.json()["message"] as? String
                    == "callers from this address may not post webhooks: it is not in "
                    + "server.auth.webhook.allowed_networks")
        }
        #expect(try fixture.count("deliveries") == 0)
        #expect(try await fixture.get("/api/v1/episodes").status == 200)
        #expect(try await Self.failures(fixture, "webhook", "network_not_allowed") == 3)
        await fixture.stop()
    }

    @Test(
        "X-Forwarded-For is believed only from a trusted proxy, and its rightmost untrusted hop is the caller",
        arguments: [
            (["127.0.0.1/32"], "203.0.113.7", 200),
            (["127.0.0.1/32"], "203.0.113.7, 198.51.100.1", 403),
            (["127.0.0.1/32"], "198.51.100.1, 203.0.113.7", 200),
            (["127.0.0.1/32", "192.0.2.0/24"], "203.0.113.7, 192.0.2.10", 200),
            (["127.0.0.1/32"], "not-an-address", 403),
            ([], "203.0.113.7", 403),
            (["192.0.2.0/24"], "203.0.113.7", 403),
        ] as [([String], String, Int)])
    func trustedProxies(proxies: [String], forwardedFor: String, status: Int) async throws {
        let fixture = try ServiceFixture(
            auth: CredentialSettings(
                bearerToken: .environment("HOOK_TOKEN"), allowedNetworks: Self.networks(["203.0.113.0/24"])),
            environment: Self.environment,
            configure: { $0.server.trustedProxies = Self.networks(proxies) })
        let response = try await fixture.post(
            try captured("single-firing"), headers: Self.authorized + [("X-Forwarded-For", forwardedFor)])
        #expect(response.status == status)
        await fixture.stop()
    }

    @Test("after the maximum failures an address gets 429 with Retry-After, even with the right credential")
    func failureLimit() async throws {
        let fixture = try ServiceFixture(
            auth: Self.bearer, environment: Self.environment,
            configure: { configuration in
                configuration.server.auth.failureLimit = AuthenticationFailureLimit(
                    maxFailures: 3, window: .seconds(600))
            })
        for _ in 0..<3 {
            let response = try await fixture.post(
                try captured("single-firing"), headers: [("Authorization", "Bearer guess")])
            #expect(response.status == 401)
        }
        let limited = try await fixture.post(try captured("single-firing"), headers: Self.authorized)
        #expect(limited.status == 429)
        let retryAfter = try #require(limited.header("Retry-After").flatMap(Int.init))
        #expect(retryAfter > 0 && retryAfter <= 600)
        #expect(try limited.json()["error"] as? String == "rate_limited")
        #expect(try fixture.count("deliveries") == 0)
        #expect(try await Self.failures(fixture, "webhook", "invalid") == 3)
        #expect(try await Self.failures(fixture, "webhook", "rate_limited") == 1)
        await fixture.stop()
    }
}
