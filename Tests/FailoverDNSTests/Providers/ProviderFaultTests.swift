import FailoverCore
import FailoverDNS
import FailoverHTTPServer
import FailoverTestSupport
import Testing

@Suite("Providers against the fakes: injected faults", .timeLimit(.minutes(1)))
struct ProviderFaultTests {
    typealias Flavor = FakeDNSProviderServer.Flavor

    /// Seeds `app A 192.0.2.1`, runs a set to `198.51.100.5` and returns the result.
    func failover(_ harness: ProviderHarness) async throws -> DNSChangeResult {
        try await harness.provider.set(
            zone: "example.com", name: "app", type: .a, desired: ProviderHarness.desired(["198.51.100.5"], ttl: 300),
            dryRun: false)
    }

    func seed(_ harness: ProviderHarness) {
        harness.fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 300)
    }

    @Test(arguments: Flavor.allCases)
    func rateLimitIsWaitedOutAsRetryAfterSays(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            seed(harness)
            harness.fake.inject(.rateLimited(retryAfterSeconds: 3), times: 2)
            let result = try await failover(harness)
            #expect(result.verified)
            #expect(harness.timing.waits == [.seconds(3), .seconds(3)])
            #expect(result.requestCount == harness.fake.requestCount())
            #expect(harness.stored("app", "A") == ["198.51.100.5 300"])
        }
    }

    @Test(arguments: Flavor.allCases)
    func rateLimitWithOnlyAResetHeaderWaitsUntilTheReset(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            seed(harness)
            harness.fake.inject(.rateLimited(retryAfterSeconds: nil, resetInSeconds: 5))
            _ = try await failover(harness)
            let wait = try #require(harness.timing.waits.first)
            // The reset epoch minus now, not the backoff (at most 1 s after one attempt). The upper end allows for
            // the seconds a loaded machine takes between the fake's clock reading and the client's.
            #expect(wait >= .seconds(3) && wait <= .seconds(60))
        }
    }

    @Test(arguments: Flavor.allCases)
    func rateLimitGivesUpAfterMaxAttempts(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor, maxAttempts: 3) { harness in
            seed(harness)
            harness.fake.inject(.rateLimited(retryAfterSeconds: 1), times: 10)
            let error = await #expect(throws: DNSProviderError.self) { _ = try await failover(harness) }
            #expect(error?.isRateLimited == true)
            #expect(error?.attempts == 3)
            #expect(error?.description.contains("gave up after 3 attempts") == true)
            #expect(harness.fake.requestCount() == 3)
            #expect(harness.fake.writeRequestCount == 0)
        }
    }

    @Test(arguments: Flavor.allCases)
    func serverErrorBurstIsRetriedAndRecovers(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            seed(harness)
            harness.fake.inject(.serverError(status: 500), times: 1, method: .get)
            harness.fake.inject(.serverError(status: 503), times: 2, method: .put)
            harness.fake.inject(.serverError(status: 504), times: 1, method: .get)
            let result = try await failover(harness)
            #expect(result.verified)
            #expect(harness.fake.requestCount(.put) == 3)
            #expect(harness.stored("app", "A") == ["198.51.100.5 300"])
        }
    }

    @Test(arguments: Flavor.allCases)
    func serverErrorsGiveUpWithAClearError(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor, maxAttempts: 3) { harness in
            seed(harness)
            harness.fake.inject(.serverError(status: 502), times: 10, method: .put)
            let error = await #expect(throws: DNSProviderError.self) { _ = try await failover(harness) }
            #expect(error?.isServerError == true)
            #expect(error?.status == 502)
            #expect(error?.attempts == 3)
            #expect(error?.description.contains("(502) after 3 attempts") == true)
            #expect(harness.stored("app", "A") == ["192.0.2.1 300"])
        }
    }

    @Test(arguments: Flavor.allCases)
    func htmlErrorPagesAreRetriedAndRecover(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            seed(harness)
            harness.fake.inject(.htmlError(status: 502), times: 2)
            let result = try await failover(harness)
            #expect(result.verified)
        }
    }

    @Test(arguments: Flavor.allCases)
    func htmlErrorPagesGiveUpWithStatusAndBodyStart(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor, maxAttempts: 2) { harness in
            seed(harness)
            harness.fake.inject(.htmlError(status: 502), times: 10)
            let error = await #expect(throws: DNSProviderError.self) { _ = try await failover(harness) }
            #expect(error?.isUnexpectedResponse == true)
            #expect(error?.status == 502)
            #expect(error?.attempts == 2)
            let start = flavor == .linode ? "<html>" : "<!DOCTYPE html>"
            #expect(error?.description.contains("body starts with: \(start)") == true)
        }
    }

    @Test(arguments: Flavor.allCases)
    func htmlAnswerWithASuccessStatusIsAnUnexpectedResponse(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.inject(.htmlError(status: 200))
            let error = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.findZone("example.com")
            }
            #expect(error?.isUnexpectedResponse == true)
            #expect(error?.status == 200)
        }
    }

    @Test(arguments: Flavor.allCases)
    func slowAnswerWithinTheTimeoutSucceeds(flavor: Flavor) async throws {
        // A timeout far above the slow answer: no retry is needed however busy the machine is.
        try await ProviderHarness.run(flavor, requestTimeout: .seconds(20)) { harness in
            seed(harness)
            harness.fake.inject(.slowAnswer(.milliseconds(300)), times: 2)
            let result = try await failover(harness)
            #expect(result.verified)
            #expect(harness.fake.requestCount() == 4)  // no retry was needed
        }
    }

    @Test(arguments: Flavor.allCases)
    func slowAnswerBeyondTheTimeoutIsRetried(flavor: Flavor) async throws {
        // Timeouts far above a loaded machine's answer times, the slow answer far above the timeout: the outcome
        // does not depend on scheduling, only on the timeout (at least one PUT was cut off and sent again).
        try await ProviderHarness.run(flavor, requestTimeout: .milliseconds(1500)) { harness in
            seed(harness)
            harness.fake.inject(.slowAnswer(.seconds(4)), times: 1, method: .put)
            let result = try await failover(harness)
            #expect(result.verified)
            #expect(harness.fake.requestCount(.put) >= 2)
        }
    }

    @Test(arguments: Flavor.allCases)
    func droppedAnswerIsRetriedAndRecovers(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor, requestTimeout: .milliseconds(1500)) { harness in
            seed(harness)
            harness.fake.inject(.noAnswer, times: 1, method: .get)
            let result = try await failover(harness)
            #expect(result.verified)
        }
    }

    @Test(arguments: Flavor.allCases)
    func droppedAnswersGiveUpAsUnreachable(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor, maxAttempts: 2, requestTimeout: .seconds(1)) { harness in
            harness.fake.inject(.noAnswer, times: 5)
            let error = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.get(zone: "example.com", name: "app", type: .a)
            }
            #expect(error?.isUnreachable == true)
            #expect(error?.attempts == 2)
            #expect(error?.description.contains("could not reach the provider") == true)
            #expect(error.map { !"\($0)".contains(ProviderHarness.token) } == true)
        }
    }

    @Test(arguments: Flavor.allCases)
    func resetConnectionsAreRetriedAndRecover(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor, throughProxy: true) { harness in
            seed(harness)
            let proxy = try #require(harness.proxy)
            proxy.dropNext(2)
            let result = try await failover(harness)
            #expect(result.verified)
            #expect(proxy.droppedConnections == 2)
            #expect(harness.fake.requestCount(.put) == 1)
            #expect(harness.stored("app", "A") == ["198.51.100.5 300"])
        }
    }

    @Test(arguments: Flavor.allCases)
    func resetConnectionsGiveUpAsUnreachable(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor, maxAttempts: 3, throughProxy: true) { harness in
            let proxy = try #require(harness.proxy)
            proxy.dropNext(10)
            let error = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.findZone("example.com")
            }
            #expect(error?.isUnreachable == true)
            #expect(error?.attempts == 3)
            #expect(proxy.droppedConnections == 3)
            #expect(harness.fake.requestCount() == 0)
            #expect(error?.description.contains("Connection reset by peer") == true)
        }
    }

    @Test(arguments: Flavor.allCases)
    func refusedConnectionsGiveUpAsUnreachable(flavor: Flavor) async throws {
        let logs = LogRecorder()
        let refusing = try RefusingPort()
        let base = "http://127.0.0.1:\(refusing.port)" + (flavor == .linode ? "/v4" : "")
        let timing = InstantTiming()
        let provider = try ProviderFactory.make(
            account: ProviderAccountConfiguration(
                name: "gone", kind: flavor == .linode ? .linode : .digitalocean, token: .file("/run/token"),
                baseURL: base, maxAttempts: 3),
            token: ProviderHarness.token, logger: logs.logger(), timing: timing.timing)
        let error = await #expect(throws: DNSProviderError.self) { _ = try await provider.findZone("example.com") }
        #expect(error?.isUnreachable == true)
        #expect(error?.attempts == 3)
        #expect(timing.waits.count == 2)
        withExtendedLifetime(refusing) {}
    }

    @Test(arguments: Flavor.allCases)
    func lostCreateAnswerDoesNotCreateADuplicate(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.inject(.applyThenFail(status: 502), times: 1, method: .post)
            let result = try await harness.provider.set(
                zone: "example.com", name: "new", type: .a,
                desired: ProviderHarness.desired(["198.51.100.5"], ttl: 300),
                dryRun: false)
            #expect(result.verified)
            #expect(harness.fake.requestCount(.post) == 1)  // re-read found it; no second POST
            #expect(harness.stored("new", "A") == ["198.51.100.5 300"])
        }
    }

    @Test(arguments: Flavor.allCases)
    func createWhoseAnswerWasLostBeforeApplyingIsSentAgain(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.inject(.serverError(status: 503), times: 1, method: .post)
            let result = try await harness.provider.set(
                zone: "example.com", name: "new", type: .a,
                desired: ProviderHarness.desired(["198.51.100.5"], ttl: 300),
                dryRun: false)
            #expect(result.verified)
            #expect(harness.fake.requestCount(.post) == 2)
            #expect(harness.stored("new", "A") == ["198.51.100.5 300"])
        }
    }

    @Test(arguments: Flavor.allCases)
    func faultsAreCountedPerMethodAndPath(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            seed(harness)
            harness.fake.inject(.serverError(status: 500), times: 1, method: .get, pathContaining: "/records")
            _ = try await harness.provider.get(zone: "example.com", name: "app", type: .a)
            let counts = harness.fake.requestCountsByRoute
            #expect(counts.values.reduce(0, +) == 3)
            #expect(counts.contains { $0.key.hasPrefix("GET ") && $0.key.hasSuffix("/records") && $0.value == 2 })
        }
    }
}
