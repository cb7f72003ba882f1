/// How long failoverd keeps stored webhook bodies and audit events, and how gently it prunes.
public struct AuditRetentionPolicy: Sendable, Hashable {
    /// Drop the bodies of deliveries older than this many days (digest, counts and audit events stay); `nil`
    /// keeps them. Default 30.
    public var deliveryBodyDays: Int?
    /// Delete audit events older than this many days, leaving a checkpoint that keeps the chain verifiable;
    /// `nil` keeps them. Default `nil`.
    public var eventDays: Int?
    /// Rows per transaction: small, so that the webhook writer never waits long for the write lock. Default 500.
    public var batchSize: Int
    /// Pause between two batches, leaving the write lock to the webhook writer. Default 10 ms.
    public var pause: Duration

    /// Creates a policy.
    public init(
        deliveryBodyDays: Int? = 30, eventDays: Int? = nil, batchSize: Int = 500, pause: Duration = .milliseconds(10)
    ) {
        self.deliveryBodyDays = deliveryBodyDays
        self.eventDays = eventDays
        self.batchSize = batchSize
        self.pause = pause
    }
}
