/// The current firing period of one fingerprint (its latest episode), as the period decision needs it.
public struct FiringPeriod: Sendable, Hashable {
    /// The episode's id.
    public var episodeID: Int64
    /// The earliest `startsAt` seen in this period (Alertmanager keeps the earliest when it merges updates).
    public var startsAt: Timestamp
    /// Whether the period fires or has resolved.
    public var state: EpisodeState
    /// The `endsAt` of the resolution, when resolved.
    public var endsAt: Timestamp?
    /// When a firing after the resolution is confirmed as a reopening, in milliseconds since the epoch; `nil` when
    /// no reopening waits.
    public var reopenDueAtMilliseconds: Int64?

    /// Creates a period snapshot.
    public init(
        episodeID: Int64, startsAt: Timestamp, state: EpisodeState, endsAt: Timestamp?,
        reopenDueAtMilliseconds: Int64?
    ) {
        self.episodeID = episodeID
        self.startsAt = startsAt
        self.state = state
        self.endsAt = endsAt
        self.reopenDueAtMilliseconds = reopenDueAtMilliseconds
    }

    /// Decides what a notice does to the fingerprint's current period (`nil`: none yet).
    ///
    /// The rules follow what a real Alertmanager sends (the webhook reference, "One firing period"):
    /// - a firing with another `startsAt` while the period fires is the same period (behaviour 3: an HA Prometheus
    ///   pair moves `startsAt` earlier);
    /// - a firing after a resolution that does not start after the resolution's `endsAt` is the same period seen
    ///   again: a stale flush of an HA peer (behaviour 1) or a real firing after a resolution by timeout
    ///   (behaviour 2). They differ only afterwards, so it reopens once `reopenWindow` passes without a resolved
    ///   notification, and never at once (a zero window reopens at once);
    /// - a firing that starts after the resolution's `endsAt` is a new period;
    /// - a resolved whose `endsAt` lies before the period's start belongs to an older period and closes nothing.
    public static func decide(
        current: FiringPeriod?, notice: AlertNotice, now: Int64, reopenWindow: Duration
    ) -> PeriodDecision {
        guard let current else {
            return PeriodDecision(transition: notice.status == .firing ? .opened : .openedResolved)
        }
        switch (current.state, notice.status) {
        case (.firing, .firing):
            return PeriodDecision(transition: .duplicateFiring, movesStartEarlier: notice.startsAt < current.startsAt)
        case (.firing, .resolved):
            if let endsAt = notice.endsAt, endsAt < current.startsAt {
                return PeriodDecision(transition: .staleResolved)
            }
            return PeriodDecision(transition: .resolved)
        case (.resolved, .resolved):
            if current.reopenDueAtMilliseconds != nil {
                return PeriodDecision(transition: .reopenCancelled)
            }
            return PeriodDecision(transition: .duplicateResolved)
        case (.resolved, .firing):
            if let endsAt = current.endsAt, notice.startsAt > endsAt {
                return PeriodDecision(transition: .opened)
            }
            if current.reopenDueAtMilliseconds != nil {
                return PeriodDecision(transition: .duplicateFiring)
            }
            let window = reopenWindow.milliseconds
            if window <= 0 {
                return PeriodDecision(transition: .reopened, movesStartEarlier: notice.startsAt < current.startsAt)
            }
            return PeriodDecision(transition: .reopenPending, reopenDueAtMilliseconds: now + window)
        }
    }

    /// Whether a waiting reopening is confirmed at `now` (its window passed with no resolved notification).
    public func reopeningIsDue(at now: Int64) -> Bool {
        guard state == .resolved, let due = reopenDueAtMilliseconds else { return false }
        return due <= now
    }
}

/// The outcome of ``FiringPeriod/decide(current:notice:now:reopenWindow:)``.
public struct PeriodDecision: Sendable, Hashable {
    /// What happens to the period.
    public var transition: EpisodeTransition
    /// Whether the period's `startsAt` moves to the notice's earlier one.
    public var movesStartEarlier: Bool
    /// When a waiting reopening will be confirmed (only with ``EpisodeTransition/reopenPending``).
    public var reopenDueAtMilliseconds: Int64?

    /// Creates a decision.
    public init(transition: EpisodeTransition, movesStartEarlier: Bool = false, reopenDueAtMilliseconds: Int64? = nil) {
        self.transition = transition
        self.movesStartEarlier = movesStartEarlier
        self.reopenDueAtMilliseconds = reopenDueAtMilliseconds
    }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    public var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
