import FailoverHTTPClient
import Logging
import Synchronization
import Testing

/// A transport that plays back scripted outcomes, one per attempt, and counts attempts.
final class ScriptedTransport: HTTPTransport {
    private let script: Mutex<[Result<HTTPClientResponse, HTTPClientError>]>
    private let count = Mutex(0)

    init(_ outcomes: [Result<HTTPClientResponse, HTTPClientError>]) { script = Mutex(outcomes) }

    var attempts: Int { count.withLock { $0 } }

    func perform(
        _ request: HTTPClientRequest, configuration: HTTPClientConfiguration
    )
        async throws(HTTPClientError) -> HTTPClientResponse
    {
        count.withLock { $0 += 1 }
        let next = script.withLock { $0.isEmpty ? .success(HTTPClientResponse(status: 200)) : $0.removeFirst() }
        return try next.get()
    }
}

@Suite("HTTP retry policy")
struct HTTPRetryPolicyTests {
    let logs = LogRecorder()

    func client(
        _ transport: ScriptedTransport, timing: InstantTiming, policy: HTTPRetryPolicy = HTTPRetryPolicy()
    )
        -> HTTPClient
    {
        HTTPClient(
            configuration: HTTPClientConfiguration(retryPolicy: policy, timing: timing.timing), transport: transport,
            logger: logs.logger())
    }

    static func status(_ code: Int, _ headers: HTTPClientHeaders = [:]) -> Result<HTTPClientResponse, HTTPClientError> {
        .success(HTTPClientResponse(status: code, headers: headers))
    }

    let get = HTTPClientRequest(
        method: .get, url: "https://api.example.test/v4/domains", bearerToken: BearerToken("s3cr3t"))
    let post = HTTPClientRequest(
        method: .post, url: "https://api.example.test/v4/domains/1/records", body: [0x7B, 0x7D])

    @Test func retriesServerErrorsWithExponentialBackoff() async throws {
        let transport = ScriptedTransport([Self.status(503), Self.status(502), Self.status(500), Self.status(200)])
        let timing = InstantTiming()
        let response = try await client(transport, timing: timing).execute(get)
        #expect(response.status == 200)
        #expect(response.attempts == 4)
        #expect(timing.waits == [.milliseconds(500), .seconds(1), .seconds(2)])
    }

    @Test(arguments: [408, 429, 500, 502, 503, 504])
    func retryableStatuses(status: Int) async throws {
        let transport = ScriptedTransport([Self.status(status), Self.status(200)])
        let response = try await client(transport, timing: InstantTiming()).execute(get)
        #expect(response.status == 200)
        #expect(transport.attempts == 2)
    }

    @Test(arguments: [400, 401, 403, 404, 409, 422, 501])
    func otherStatusesAreNotRetried(status: Int) async throws {
        let transport = ScriptedTransport([Self.status(status), Self.status(200)])
        let response = try await client(transport, timing: InstantTiming()).execute(get)
        #expect(response.status == status)
        #expect(transport.attempts == 1)
    }

    @Test func honoursRetryAfterSeconds() async throws {
        let transport = ScriptedTransport([Self.status(429, ["retry-after": "7"]), Self.status(200)])
        let timing = InstantTiming()
        _ = try await client(transport, timing: timing).execute(get)
        #expect(timing.waits == [.seconds(7)])
    }

    @Test func honoursRateLimitResetEpochWhenNoRetryAfter() async throws {
        let timing = InstantTiming(epoch: 1_700_000_000)
        let linode = ScriptedTransport([Self.status(429, ["X-RateLimit-Reset": "1700000012"]), Self.status(200)])
        _ = try await client(linode, timing: timing).execute(get)
        let digitalOcean = ScriptedTransport([Self.status(429, ["ratelimit-reset": "1700000003"]), Self.status(200)])
        let timing2 = InstantTiming(epoch: 1_700_000_000)
        _ = try await client(digitalOcean, timing: timing2).execute(get)
        #expect(timing.waits == [.seconds(12)])
        #expect(timing2.waits == [.seconds(3)])
    }

    @Test func retryAfterOnASuccessIsIgnored() async throws {
        let transport = ScriptedTransport([Self.status(200, ["Retry-After": "114"])])
        let timing = InstantTiming()
        let response = try await client(transport, timing: timing).execute(get)
        #expect(response.attempts == 1)
        #expect(timing.waits.isEmpty)
    }

    @Test func stopsAfterMaxAttempts() async throws {
        let transport = ScriptedTransport(Array(repeating: Self.status(503), count: 10))
        let response = try await client(transport, timing: InstantTiming(), policy: HTTPRetryPolicy(maxAttempts: 3))
            .execute(get)
        #expect(response.status == 503)
        #expect(response.attempts == 3)
        #expect(transport.attempts == 3)
    }

    @Test func stopsWhenTheWaitWouldExceedTheBudget() async throws {
        let transport = ScriptedTransport([Self.status(429, ["Retry-After": "120"]), Self.status(200)])
        let timing = InstantTiming()
        let response = try await client(
            transport, timing: timing, policy: HTTPRetryPolicy(maxRetryDuration: .seconds(60))
        ).execute(get)
        #expect(response.status == 429)
        #expect(transport.attempts == 1)
        #expect(timing.waits.isEmpty)
    }

    @Test func transientTransportFailuresAreRetried() async throws {
        let transport = ScriptedTransport([
            .failure(.connectionFailed("refused")), .failure(.timedOut("slow", requestMayHaveBeenSent: true)),
            .failure(.connectionLost("reset")), Self.status(200),
        ])
        let response = try await client(transport, timing: InstantTiming()).execute(get)
        #expect(response.attempts == 4)
    }

    @Test func transportFailuresGiveUpWithAttemptCount() async throws {
        let transport = ScriptedTransport(Array(repeating: .failure(.connectionFailed("refused")), count: 9))
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client(transport, timing: InstantTiming(), policy: HTTPRetryPolicy(maxAttempts: 4))
                .execute(get)
        }
        #expect(error?.attempts == 4)
        #expect(error?.isConnectionFailure == true)
        #expect(error?.description.contains("after 4 attempts") == true)
    }

    @Test func permanentTransportFailuresAreNotRetried() async throws {
        let transport = ScriptedTransport([.failure(.tls("certificate verify failed")), Self.status(200)])
        await #expect(throws: HTTPClientError.self) {
            _ = try await client(transport, timing: InstantTiming()).execute(get)
        }
        #expect(transport.attempts == 1)
    }

    @Test func postIsNotRetriedWhenItMayHaveBeenApplied() async throws {
        let lost = ScriptedTransport([.failure(.timedOut("slow", requestMayHaveBeenSent: true)), Self.status(200)])
        await #expect(throws: HTTPClientError.self) {
            _ = try await client(lost, timing: InstantTiming()).execute(post)
        }
        #expect(lost.attempts == 1)

        let serverError = ScriptedTransport([Self.status(502), Self.status(200)])
        let response = try await client(serverError, timing: InstantTiming()).execute(post)
        #expect(response.status == 502)
        #expect(serverError.attempts == 1)
    }

    @Test func postIsRetriedWhenTheServerProvablyDidNotAct() async throws {
        let transport = ScriptedTransport([
            .failure(.connectionFailed("refused")), Self.status(429, ["Retry-After": "1"]), Self.status(200),
        ])
        let response = try await client(transport, timing: InstantTiming()).execute(post)
        #expect(response.status == 200)
        #expect(response.attempts == 3)
    }

    @Test func retrySafetyCanBeMadeExplicit() async throws {
        var idempotentPost = post
        idempotentPost.retrySafety = .idempotent
        let transport = ScriptedTransport([Self.status(503), Self.status(200)])
        #expect(try await client(transport, timing: InstantTiming()).execute(idempotentPost).status == 200)
        #expect(HTTPRetrySafety.standard(for: .put) == .idempotent)
        #expect(HTTPRetrySafety.standard(for: .patch) == .notIdempotent)
    }

    @Test func backoffCeilingDoublesUpToTheMaximum() {
        let policy = HTTPRetryPolicy(baseDelay: .milliseconds(100), maxDelay: .milliseconds(700))
        #expect(policy.backoffCeiling(afterAttempt: 1) == .milliseconds(100))
        #expect(policy.backoffCeiling(afterAttempt: 2) == .milliseconds(200))
        #expect(policy.backoffCeiling(afterAttempt: 3) == .milliseconds(400))
        #expect(policy.backoffCeiling(afterAttempt: 4) == .milliseconds(700))
        #expect(policy.backoffCeiling(afterAttempt: 40) == .milliseconds(700))
    }

    @Test func systemJitterStaysWithinTheCeiling() {
        let jitter = HTTPRetryTiming.system.jitter
        for _ in 0..<200 {
            let value = jitter(.milliseconds(250))
            #expect(value >= .zero && value <= .milliseconds(250))
        }
    }

    @Test func tokenNeverPrints() async throws {
        let token = BearerToken("s3cr3t\n")
        #expect(token.secret == "s3cr3t")
        #expect("\(token)" == "<redacted>")
        #expect(String(reflecting: token) == "BearerToken(<redacted>)")
        #expect(!get.description.contains("s3cr3t"))
        let headers: HTTPClientHeaders = ["authorization": "Bearer s3cr3t", "Accept": "application/json"]
        #expect(!headers.description.contains("s3cr3t"))
        let transport = ScriptedTransport([Self.status(503), Self.status(200)])
        _ = try await client(transport, timing: InstantTiming()).execute(get)
        #expect(!logs.all.isEmpty)
        #expect(logs.all.allSatisfy { !$0.contains("s3cr3t") })
    }
}

@Suite("Rate-limit waits")
struct RateLimitWaitTests {
    let policy = HTTPRetryPolicy()
    let now = 1_795_279_038.0  // Sat, 21 Nov 2026 16:37:18 GMT

    @Test("Retry-After in seconds, as an HTTP date, or a reset header; nothing usable gives nil")
    func waits() {
        #expect(policy.rateLimitWait(headers: ["Retry-After": "2"], epochSecondsNow: now) == .seconds(2))
        #expect(
            policy.rateLimitWait(headers: ["retry-after": "Sat, 21 Nov 2026 16:37:48 GMT"], epochSecondsNow: now)
                == .seconds(30))
        #expect(
            policy.rateLimitWait(headers: ["Retry-After": "Sat, 21 Nov 2026 16:37:00 GMT"], epochSecondsNow: now)
                == .zero, "a date in the past means: now")
        #expect(policy.rateLimitWait(headers: ["Retry-After": "soon"], epochSecondsNow: now) == nil)
        #expect(policy.rateLimitWait(headers: [:], epochSecondsNow: now) == nil)
    }
}
