/// What one alert notification does to its episode: the single decision the ingest path makes per alert.
///
/// The rules follow what Alertmanager really sends (see the webhook reference): re-sends, retries and HA peers
/// repeat notifications, and a peer can deliver a stale `firing` after another peer's `resolved`.
public enum EpisodeTransition: String, Sendable, Hashable, CaseIterable {
    /// First firing notification of an unknown episode: a new firing episode.
    case opened
    /// A resolved notification for an episode never seen firing: recorded as a resolved episode, not an error.
    case openedResolved = "opened_resolved"
    /// A resolved notification for a firing episode: the episode closes.
    case resolved
    /// A firing notification for a firing episode: counted as a duplicate.
    case duplicateFiring = "duplicate_firing"
    /// A resolved notification for a resolved episode: counted as a duplicate.
    case duplicateResolved = "duplicate_resolved"
    /// A firing notification for a resolved episode: a stale duplicate from an HA peer, never a reopening.
    case staleFiring = "stale_firing"

    /// Decides the transition for an incoming alert status given the episode's current state (`nil`: unknown).
    public static func decide(current: EpisodeState?, incoming: AlertStatus) -> EpisodeTransition {
        switch (current, incoming) {
        case (nil, .firing): .opened
        case (nil, .resolved): .openedResolved
        case (.firing, .firing): .duplicateFiring
        case (.firing, .resolved): .resolved
        case (.resolved, .resolved): .duplicateResolved
        case (.resolved, .firing): .staleFiring
        }
    }

    /// The episode's state after the transition.
    public var resultingState: EpisodeState {
        switch self {
        case .opened, .duplicateFiring: .firing
        case .openedResolved, .resolved, .duplicateResolved, .staleFiring: .resolved
        }
    }

    /// Whether the transition creates the episode.
    public var createsEpisode: Bool { self == .opened || self == .openedResolved }

    /// Whether the notification repeated a state already known (counted on the episode as a duplicate).
    public var isDuplicate: Bool { self == .duplicateFiring || self == .duplicateResolved || self == .staleFiring }
}
