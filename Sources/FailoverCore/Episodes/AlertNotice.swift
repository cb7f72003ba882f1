/// What one alert of a notification says about its firing period: the inputs of the period decision.
public struct AlertNotice: Sendable, Hashable {
    /// The alert's own status.
    public var status: AlertStatus
    /// The `startsAt` it carries.
    public var startsAt: Timestamp
    /// The `endsAt` it carries; `nil` for Go's zero time (every firing alert).
    public var endsAt: Timestamp?

    /// Creates a notice.
    public init(status: AlertStatus, startsAt: Timestamp, endsAt: Timestamp?) {
        self.status = status
        self.startsAt = startsAt
        self.endsAt = endsAt
    }
}
