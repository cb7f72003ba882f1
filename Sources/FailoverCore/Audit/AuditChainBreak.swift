/// The first place where the audit chain does not hold, and what differs there.
public struct AuditChainBreak: Sendable, Hashable, CustomStringConvertible {
    /// What kind of damage was found.
    public enum Kind: Sendable, Hashable {
        /// The stored hash is not the hash of the event's content after the previous hash: the hash itself was
        /// changed (the next event still links to the recomputed value), or the damage cannot be told apart.
        case hashMismatch
        /// The event's content was changed after it was hashed (the next event still links to the stored hash).
        case editedContent
        /// Ids `first...last` are missing and no retention checkpoint accounts for them.
        case missingEvents(first: Int64, last: Int64)
        /// The event stored at ``AuditChainBreak/id`` was recorded at `originalID`: rows were moved or swapped.
        case reordered(originalID: Int64)
        /// A retention checkpoint declares another hash for this id than the chain computes.
        case checkpointMismatch(checkpointID: Int64)
        /// The stored row cannot be read as an event (unknown type or outcome, malformed hash).
        case unreadable(reason: String)
    }

    /// The id where the chain breaks (for missing events, the first missing id).
    public var id: Int64
    /// What differs.
    public var kind: Kind

    /// Describes a break.
    public init(id: Int64, kind: Kind) {
        self.id = id
        self.kind = kind
    }

    /// One sentence for the operator.
    public var description: String {
        switch kind {
        case .hashMismatch:
            return "event \(id): stored hash does not match the event's content and the previous hash"
        case .editedContent:
            return "event \(id): content was edited after it was recorded (the next event links to the stored hash)"
        case .missingEvents(let first, let last):
            let range = first == last ? "event \(first) is" : "events \(first)...\(last) are"
            return "\(range) missing and no retention checkpoint covers them"
        case .reordered(let originalID):
            return "event \(id): holds the event recorded as \(originalID) (rows were moved or swapped)"
        case .checkpointMismatch(let checkpointID):
            return "event \(id): hash differs from the one retention checkpoint \(checkpointID) recorded"
        case .unreadable(let reason):
            return "event \(id): cannot be read: \(reason)"
        }
    }
}
