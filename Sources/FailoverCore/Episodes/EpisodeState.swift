/// Where an episode stands.
public enum EpisodeState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Opened by a firing notification and not resolved yet.
    case firing
    /// Closed by a resolved notification. A resolved episode never fires again.
    case resolved
}
