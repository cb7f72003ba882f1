import FailoverCore

/// When and how long the client waits before trying a request again.
///
/// Exponential backoff with full jitter: before attempt *n + 1* the client waits a random time between zero and
/// `min(maxDelay, baseDelay × 2^(n-1))`, unless a 429 answer says how long to wait (`Retry-After` seconds, or a
/// rate-limit reset header holding epoch seconds). Retries stop after ``maxAttempts`` attempts or when the next
/// wait would end after ``maxRetryDuration`` from the first attempt.
public struct HTTPRetryPolicy: Sendable, Hashable {
    /// Attempts per request, the first included; `1` disables retries. Default 5.
    public var maxAttempts: Int
    /// Longest time from the first attempt to the start of the last. Default 60 s.
    public var maxRetryDuration: Duration
    /// Upper bound of the first backoff. Default 500 ms.
    public var baseDelay: Duration
    /// Largest backoff upper bound. Default 10 s.
    public var maxDelay: Duration
    /// Statuses worth retrying. Default 408, 429, 500, 502, 503, 504.
    public var retryableStatuses: Set<Int>
    /// Headers holding the epoch second when a rate-limit window resets, tried in order after `Retry-After`.
    /// Default `X-RateLimit-Reset` (Linode) and `RateLimit-Reset` (DigitalOcean); matched case-insensitively.
    public var rateLimitResetHeaders: [String]

    /// Creates a policy; every parameter has the documented default.
    public init(
        maxAttempts: Int = 5, maxRetryDuration: Duration = .seconds(60), baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(10), retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504],
        rateLimitResetHeaders: [String] = ["X-RateLimit-Reset", "RateLimit-Reset"]
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.maxRetryDuration = maxRetryDuration
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.retryableStatuses = retryableStatuses
        self.rateLimitResetHeaders = rateLimitResetHeaders
    }

    /// The upper bound of the jittered wait after attempt `attempt` (1-based) failed.
    public func backoffCeiling(afterAttempt attempt: Int) -> Duration {
        var ceiling = baseDelay
        var step = 1
        while step < attempt, ceiling < maxDelay {
            ceiling *= 2
            step += 1
        }
        return min(ceiling, maxDelay)
    }

    /// Whether an answer with this status, to a request of this safety, is worth another attempt.
    ///
    /// A request that is not idempotent is retried only on 429: the server refused it without acting on it.
    public func shouldRetry(status: Int, safety: HTTPRetrySafety) -> Bool {
        guard retryableStatuses.contains(status) else { return false }
        return safety == .idempotent || status == 429
    }

    /// Whether a transport failure is worth another attempt for a request of this safety.
    public func shouldRetry(_ error: HTTPClientError, safety: HTTPRetrySafety) -> Bool {
        guard error.isTransient else { return false }
        return safety == .idempotent || !error.requestMayHaveBeenSent
    }

    /// The wait a 429 answer asks for: `Retry-After` seconds or HTTP date, else a reset header's epoch seconds
    /// minus `now`.
    ///
    /// - Returns: `nil` when the answer says nothing usable.
    public func rateLimitWait(headers: HTTPClientHeaders, epochSecondsNow now: Double) -> Duration? {
        if let value = headers["Retry-After"], let seconds = Double(value.trimmingCharacters(in: " \t")),
            seconds >= 0
        {
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        if let value = headers["Retry-After"], let date = Timestamp(httpDate: value.trimmingCharacters(in: " \t")) {
            let seconds = Double(date.secondsSinceEpoch) - now
            return .milliseconds(Int64((max(0, seconds) * 1000).rounded(.up)))
        }
        for name in rateLimitResetHeaders {
            guard let value = headers[name], let reset = Double(value.trimmingCharacters(in: " \t")) else {
                continue
            }
            return .milliseconds(Int64((max(0, reset - now) * 1000).rounded(.up)))
        }
        return nil
    }
}
