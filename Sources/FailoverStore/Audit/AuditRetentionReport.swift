import FailoverCore

/// What one retention run did.
public struct AuditRetentionReport: Sendable, Hashable {
    /// Delivery bodies set to `NULL`.
    public var bodiesPruned: Int
    /// Audit events deleted.
    public var eventsPruned: Int
    /// The checkpoint event recorded before pruning, `nil` when there was nothing to prune.
    public var checkpoint: AuditEvent?
    /// Whether the run stopped early because its task was cancelled (the next run continues).
    public var interrupted: Bool

    /// Creates a report.
    public init(bodiesPruned: Int = 0, eventsPruned: Int = 0, checkpoint: AuditEvent? = nil, interrupted: Bool = false)
    {
        self.bodiesPruned = bodiesPruned
        self.eventsPruned = eventsPruned
        self.checkpoint = checkpoint
        self.interrupted = interrupted
    }
}
