import FailoverCore

/// What a committed webhook did: its delivery id and, per alert, the episode it touched and how.
public struct IngestReceipt: Sendable, Hashable {
    /// The stored delivery's id.
    public var deliveryID: Int64
    /// One outcome per alert, in message order.
    public var alerts: [AlertOutcome]
    /// Executions the delivery scheduled (the engine is woken for them).
    public var scheduledExecutions: [Int64]

    /// Creates a receipt.
    public init(deliveryID: Int64, alerts: [AlertOutcome], scheduledExecutions: [Int64] = []) {
        self.deliveryID = deliveryID
        self.alerts = alerts
        self.scheduledExecutions = scheduledExecutions
    }
}

/// The effect of one alert notification on its episode.
public struct AlertOutcome: Sendable, Hashable {
    /// The alert's fingerprint.
    public var fingerprint: String
    /// The canonical `startsAt`.
    public var startsAt: String
    /// The episode's id.
    public var episodeID: Int64
    /// What the notification did to the episode.
    public var transition: EpisodeTransition
    /// The period's (earliest) start after the notification.
    public var periodStartsAt: Timestamp
    /// When a waiting reopening is confirmed (``EpisodeTransition/reopenPending`` only).
    public var reopenDueAtMilliseconds: Int64?

    /// Creates an outcome.
    public init(
        fingerprint: String, startsAt: String, episodeID: Int64, transition: EpisodeTransition,
        periodStartsAt: Timestamp, reopenDueAtMilliseconds: Int64? = nil
    ) {
        self.reopenDueAtMilliseconds = reopenDueAtMilliseconds
        self.fingerprint = fingerprint
        self.startsAt = startsAt
        self.episodeID = episodeID
        self.transition = transition
        self.periodStartsAt = periodStartsAt
    }
}
