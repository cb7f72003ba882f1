import FailoverCore

/// A selection of episodes, newest first.
public struct EpisodeQuery: Sendable, Hashable {
    /// Only episodes in this state.
    public var state: EpisodeState?
    /// Only episodes of this alert name.
    public var alertname: String?
    /// Only episodes of this fingerprint.
    public var fingerprint: String?
    /// At most this many (1...1000). Default 100.
    public var limit: Int

    /// Creates a query.
    public init(state: EpisodeState? = nil, alertname: String? = nil, fingerprint: String? = nil, limit: Int = 100) {
        self.state = state
        self.alertname = alertname
        self.fingerprint = fingerprint
        self.limit = limit
    }
}
