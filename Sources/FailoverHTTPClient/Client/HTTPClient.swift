import Logging

/// failoverd's one outbound HTTP client: libcurl underneath, retries with backoff on top.
///
/// ``execute(_:)`` returns the final answer whatever its status, after retrying what is worth retrying under
/// ``HTTPClientConfiguration/retryPolicy``: 408, 429 (waiting as `Retry-After` or the rate-limit reset header
/// says), 500, 502, 503, 504, timeouts, refused and reset connections. Other 4xx answers come back at once.
/// Requests that are not idempotent are retried only when the server provably did not act (see
/// ``HTTPRetrySafety``). Log lines carry method, URL, attempt and status, never a header or the token.
public final class HTTPClient: Sendable {
    /// The configuration.
    public let configuration: HTTPClientConfiguration
    private let transport: any HTTPTransport
    private let logger: Logger

    /// Creates a client on libcurl.
    public convenience init(configuration: HTTPClientConfiguration = HTTPClientConfiguration(), logger: Logger) {
        self.init(configuration: configuration, transport: CurlTransport(), logger: logger)
    }

    /// Creates a client on another transport (tests script answers this way).
    public init(configuration: HTTPClientConfiguration, transport: any HTTPTransport, logger: Logger) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
    }

    /// Sends a request, retrying transient failures; returns the final answer (``HTTPClientResponse/attempts``
    /// says how many it took).
    ///
    /// - Throws: ``HTTPClientError`` when no answer came (after the retries the policy allows).
    public func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        let policy = configuration.retryPolicy
        let timing = configuration.timing
        let started = timing.now()
        var attempt = 1
        while true {
            var waitFor: Duration
            var outcome: String
            let attemptStarted = timing.now()
            do {
                var response = try await transport.perform(request, configuration: configuration)
                response.attempts = attempt
                guard policy.shouldRetry(status: response.status, safety: request.retrySafety) else {
                    observe(request, status: response.status, since: attemptStarted, retrying: false)
                    return response
                }
                let jittered = timing.jitter(policy.backoffCeiling(afterAttempt: attempt))
                if response.status == 429,
                    let asked = policy.rateLimitWait(headers: response.headers, epochSecondsNow: timing.epochSeconds())
                {
                    waitFor = asked
                } else {
                    waitFor = jittered
                }
                outcome = "status \(response.status)"
                let retrying = canRetry(
                    after: attempt, waiting: waitFor, since: started, policy: policy, timing: timing)
                observe(request, status: response.status, since: attemptStarted, retrying: retrying)
                if !retrying {
                    logGivingUp(request, attempt: attempt, outcome: outcome)
                    return response
                }
            } catch {
                var failure = error
                failure.attempts = attempt
                guard policy.shouldRetry(failure, safety: request.retrySafety) else {
                    observe(request, status: nil, since: attemptStarted, retrying: false)
                    throw failure
                }
                waitFor = timing.jitter(policy.backoffCeiling(afterAttempt: attempt))
                outcome = failure.message
                let retrying = canRetry(
                    after: attempt, waiting: waitFor, since: started, policy: policy, timing: timing)
                observe(request, status: nil, since: attemptStarted, retrying: retrying)
                if !retrying {
                    logGivingUp(request, attempt: attempt, outcome: outcome)
                    throw failure
                }
            }
            logger.warning(
                "retrying HTTP request",
                metadata: [
                    "request": "\(request)", "attempt": "\(attempt)", "outcome": "\(outcome)",
                    "wait_ms": "\(waitFor.milliseconds)",
                ])
            do {
                try await timing.sleep(waitFor)
            } catch {
                var cancelled = HTTPClientError.cancelled(request.description)
                cancelled.attempts = attempt
                throw cancelled
            }
            attempt += 1
        }
    }

    private func canRetry(
        after attempt: Int, waiting: Duration, since started: Duration, policy: HTTPRetryPolicy,
        timing: HTTPRetryTiming
    ) -> Bool {
        guard attempt < policy.maxAttempts else { return false }
        return timing.now() - started + waiting <= policy.maxRetryDuration
    }

    private func observe(_ request: HTTPClientRequest, status: Int?, since started: Duration, retrying: Bool) {
        configuration.observer?.attemptEnded(
            method: request.method, status: status, duration: configuration.timing.now() - started,
            retrying: retrying)
    }

    private func logGivingUp(_ request: HTTPClientRequest, attempt: Int, outcome: String) {
        guard attempt > 1 || configuration.retryPolicy.maxAttempts > 1 else { return }
        logger.warning(
            "giving up on HTTP request",
            metadata: ["request": "\(request)", "attempts": "\(attempt)", "outcome": "\(outcome)"])
    }
}
