/// `server.auth.failure_limit`: after `maxFailures` failed authentications from one address within `window`, that
/// address gets 429 without its credential being checked until the window ends.
public struct AuthenticationFailureLimit: Sendable, Hashable {
    /// Failures allowed in one window. Default 10.
    public var maxFailures: Int
    /// The window, opened by an address's first failure. Default 1 minute.
    public var window: Duration

    /// Creates a limit with the documented defaults.
    public init(maxFailures: Int = 10, window: Duration = .seconds(60)) {
        self.maxFailures = maxFailures
        self.window = window
    }
}
