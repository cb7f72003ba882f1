/// What a ``AuditEventType/retentionCheckpoint`` event declares about pruned events: every event up to
/// ``prunedThroughID`` may be gone, and the last of them had ``prunedThroughHash``. The verifier continues the
/// chain from that hash after a gap it covers; the checkpoint itself is a link of the chain, so its declaration
/// cannot be changed unnoticed.
public struct AuditRetentionCheckpoint: Sendable, Hashable {
    /// The checkpoint event's own id.
    public var checkpointID: Int64
    /// The last pruned id.
    public var prunedThroughID: Int64
    /// The hash of the event at ``prunedThroughID``.
    public var prunedThroughHash: AuditHash

    /// Detail key of the last pruned id.
    public static let throughIDKey = "events_pruned_through_id"
    /// Detail key of the last pruned hash (hex).
    public static let throughHashKey = "events_pruned_through_hash"

    /// Describes a checkpoint.
    public init(checkpointID: Int64, prunedThroughID: Int64, prunedThroughHash: AuditHash) {
        self.checkpointID = checkpointID
        self.prunedThroughID = prunedThroughID
        self.prunedThroughHash = prunedThroughHash
    }

    /// The declaration of a checkpoint event; `nil` for other events and for checkpoints that prune no events
    /// (bodies only).
    public init?(event: AuditEvent) {
        guard event.type == .retentionCheckpoint, let values = try? event.detail.values(),
            let through = values[Self.throughIDKey]?.integerValue,
            let hex = values[Self.throughHashKey]?.stringValue, let hash = try? AuditHash(hex: hex)
        else { return nil }
        self.init(checkpointID: event.id, prunedThroughID: through, prunedThroughHash: hash)
    }
}
