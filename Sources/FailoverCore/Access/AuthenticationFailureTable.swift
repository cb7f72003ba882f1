/// Failed authentications per caller address in a fixed window, to refuse a caller that keeps guessing.
///
/// A caller's window opens at its first failure; once it holds `maximumFailures`, the caller is refused without
/// its credential being checked until the window ends. The table holds at most `capacity` addresses: when it is
/// full, expired windows are dropped first, then the window that opened earliest, so a flood of addresses costs
/// bounded memory (and at worst forgets the oldest guesser early).
public struct AuthenticationFailureTable: Sendable {
    private struct Window: Sendable {
        var opened: ContinuousClock.Instant
        var failures: Int
    }

    /// Failures in one window after which the caller is refused.
    public let maximumFailures: Int
    /// How long a window lasts.
    public let window: Duration
    /// The most addresses tracked at once.
    public let capacity: Int
    private var windows: [String: Window] = [:]

    /// Creates an empty table.
    public init(maximumFailures: Int, window: Duration, capacity: Int = 10_000) {
        self.maximumFailures = max(1, maximumFailures)
        self.window = window
        self.capacity = max(1, capacity)
    }

    /// Addresses tracked now.
    public var count: Int { windows.count }

    /// How long the caller must wait, or `nil` when it may try.
    public func retryAfter(_ caller: String, now: ContinuousClock.Instant) -> Duration? {
        guard let entry = windows[caller], entry.failures >= maximumFailures else { return nil }
        let ends = entry.opened.advanced(by: window)
        return ends > now ? now.duration(to: ends) : nil
    }

    /// Records one failed authentication of `caller`.
    public mutating func recordFailure(_ caller: String, now: ContinuousClock.Instant) {
        if var entry = windows[caller], entry.opened.advanced(by: window) > now {
            entry.failures += 1
            windows[caller] = entry
            return
        }
        if windows[caller] == nil, windows.count >= capacity { makeRoom(now: now) }
        windows[caller] = Window(opened: now, failures: 1)
    }

    private mutating func makeRoom(now: ContinuousClock.Instant) {
        let window = window
        windows = windows.filter { $0.value.opened.advanced(by: window) > now }
        guard windows.count >= capacity, let oldest = windows.min(by: { $0.value.opened < $1.value.opened }) else {
            return
        }
        windows[oldest.key] = nil
    }
}
