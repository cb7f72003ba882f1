/// What one alert notification (or an elapsed confirmation window) does to the firing period of its fingerprint:
/// the single decision the ingest path makes per alert.
///
/// A firing period is identified by the fingerprint and its continuity, not by the exact `startsAt` (see
/// `FiringPeriod.decide(current:notice:now:reopenWindow:)` and the webhook reference's three measured behaviours).
public enum EpisodeTransition: String, Sendable, Hashable, CaseIterable {
    /// First firing notification of a fingerprint with no period, or one that starts after the last period ended:
    /// a new firing episode.
    case opened
    /// A resolved notification for a fingerprint never seen firing: recorded as a resolved episode, not an error.
    case openedResolved = "opened_resolved"
    /// A resolved notification for a firing period: the episode closes.
    case resolved
    /// A firing notification while the period fires (any `startsAt`: an earlier one moves the period's start), or
    /// while a reopening waits for its confirmation window: a duplicate.
    case duplicateFiring = "duplicate_firing"
    /// A resolved notification for a resolved period: a duplicate.
    case duplicateResolved = "duplicate_resolved"
    /// A firing notification for a resolved period, of the same period (its `startsAt` is not after the period's
    /// end): either a stale firing from an HA peer or a real firing after a resolution by timeout. The episode stays
    /// resolved until the confirmation window (`ingest.reopen_window`) passes without another resolved notification.
    case reopenPending = "reopen_pending"
    /// A resolved notification while a reopening waited: the firing was stale (an HA peer's late flush); the episode
    /// stays resolved.
    case reopenCancelled = "reopen_cancelled"
    /// The confirmation window passed with no resolved notification: the same episode fires again.
    case reopened
    /// A resolved notification whose `endsAt` lies before the current period began: it belongs to an older period
    /// and closes nothing.
    case staleResolved = "stale_resolved"

    /// The episode's state after the transition, given its state before (`nil`: no episode yet).
    public func resultingState(from previous: EpisodeState?) -> EpisodeState {
        switch self {
        case .opened, .reopened: .firing
        case .openedResolved, .resolved, .duplicateResolved, .reopenPending, .reopenCancelled: .resolved
        case .duplicateFiring, .staleResolved: previous ?? .firing
        }
    }

    /// Whether the transition creates a new episode row.
    public var createsEpisode: Bool { self == .opened || self == .openedResolved }

    /// Whether the notification repeated what the episode already knew (counted on it as a duplicate).
    public var isDuplicate: Bool {
        switch self {
        case .duplicateFiring, .duplicateResolved, .reopenCancelled, .staleResolved: true
        case .opened, .openedResolved, .resolved, .reopenPending, .reopened: false
        }
    }

    /// Whether the episode starts firing with this transition (what can start a runbook).
    public var startsFiring: Bool { self == .opened || self == .reopened }

    /// Whether the episode stops firing with this transition (what can close an incident).
    public var stopsFiring: Bool { self == .resolved }
}
