import Foundation

/// The clocks, sleep and randomness the retry loop uses; tests replace them so retries run instantly.
public struct HTTPRetryTiming: Sendable {
    /// Monotonic time since an arbitrary origin; measures the retry budget.
    public var now: @Sendable () -> Duration
    /// Wall-clock seconds since 1970; turns a rate-limit reset epoch into a wait.
    public var epochSeconds: @Sendable () -> Double
    /// Waits; throws when the task is cancelled.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// A random duration between zero and the given ceiling (full jitter).
    public var jitter: @Sendable (Duration) -> Duration

    /// Creates timing from its parts.
    public init(
        now: @escaping @Sendable () -> Duration, epochSeconds: @escaping @Sendable () -> Double,
        sleep: @escaping @Sendable (Duration) async throws -> Void, jitter: @escaping @Sendable (Duration) -> Duration
    ) {
        self.now = now
        self.epochSeconds = epochSeconds
        self.sleep = sleep
        self.jitter = jitter
    }

    /// The real clocks, `Task.sleep` and a uniform random jitter.
    public static var system: HTTPRetryTiming {
        let origin = ContinuousClock.now
        return HTTPRetryTiming(
            now: { ContinuousClock.now - origin },
            epochSeconds: { Date().timeIntervalSince1970 },
            sleep: { duration in try await Task.sleep(for: duration) },
            jitter: { ceiling in
                let milliseconds = max(0, ceiling.milliseconds)
                return .milliseconds(Int64.random(in: 0...milliseconds))
            })
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
