/// One incident as `GET /api/v1/incidents` shows it: a runbook key's firing episodes from the first until all
/// resolved.
public struct IncidentSnapshot: Sendable, Hashable, Decodable, CustomStringConvertible {
    /// One episode of the incident.
    public struct Member: Sendable, Hashable, Decodable {
        /// The episode's id.
        public var episode: Int64
        /// Whether it fires now.
        public var firing: Bool
    }

    /// The incident's id.
    public var id: Int64
    /// The runbook's name.
    public var runbook: String
    /// `open` or `closed`.
    public var state: String
    /// Its episodes.
    public var episodes: [Member]
    /// The failover execution it scheduled.
    public var execution: Int64?

    /// `incident id state episodes=[…] execution=N`, for failure messages.
    public var description: String {
        "incident \(id) \(state) episodes=\(episodes.map(\.episode)) execution=\(execution.map(String.init) ?? "-")"
    }
}
