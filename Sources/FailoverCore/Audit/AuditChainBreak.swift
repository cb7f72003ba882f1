/// The first place where the audit chain does not hold, and what differs there.
public struct AuditChainBreak: Sendable, Hashable, CustomStringConvertible {
    /// A statement about the chain made outside the walk: by an anchor the operator gives, or by a signed head.
    public enum Witness: Sendable, Hashable {
        /// The anchor given to the verification (``AuditAnchor``).
        case anchor
        /// A head signed at this time (milliseconds since the epoch).
        case signedHead(signedAtMilliseconds: Int64)
    }

    /// What kind of damage was found.
    public enum Kind: Sendable, Hashable {
        /// The stored hash is not the hash of the event's content after the previous hash: the hash itself was
        /// changed (the next event still links to the recomputed value), or the damage cannot be told apart.
        case hashMismatch
        /// The event's content was changed after it was hashed (the next event still links to the stored hash).
        case editedContent
        /// Ids `first...last` are missing and no retention checkpoint accounts for them.
        case missingEvents(first: Int64, last: Int64)
        /// Ids `first...last` are missing and retention checkpoint `checkpointID` declares them pruned, but
        /// retention prunes only the oldest events and older ones are still there: a checkpoint covers a prefix
        /// of the log or nothing.
        case checkpointNotAtStart(checkpointID: Int64, first: Int64, last: Int64)
        /// The event stored at ``AuditChainBreak/id`` was recorded at `originalID`: rows were moved or swapped.
        case reordered(originalID: Int64)
        /// A retention checkpoint declares another hash for this id than the chain computes.
        case checkpointMismatch(checkpointID: Int64)
        /// The stored row cannot be read as an event (unknown type or outcome, malformed hash).
        case unreadable(reason: String)
        /// The chain computes another hash at this id than the witness recorded: the chain was rewritten at or
        /// before it.
        case headMismatch(Witness)
        /// The witness recorded this id, but the log ends at `logEnd` (`nil`: it is empty): events were cut off,
        /// or an older copy of the file was restored.
        case headMissing(Witness, logEnd: Int64?)
        /// The anchor's event was pruned by retention (the log begins at `firstID`): it can no longer be checked.
        case anchorPruned(firstID: Int64)
        /// A signed head does not verify with the public keys given (`reason` says why).
        case badSignature(Witness, reason: String)
        /// Public keys were given but the log has no signed head to check.
        case noSignedHead

        /// A stable name for JSON: `hash_mismatch`, `missing_events`, `signed_head_mismatch`, …
        public var name: String {
            switch self {
            case .hashMismatch: "hash_mismatch"
            case .editedContent: "edited_content"
            case .missingEvents: "missing_events"
            case .checkpointNotAtStart: "checkpoint_not_at_start"
            case .reordered: "reordered"
            case .checkpointMismatch: "checkpoint_mismatch"
            case .unreadable: "unreadable"
            case .headMismatch(.anchor): "anchor_mismatch"
            case .headMismatch(.signedHead): "signed_head_mismatch"
            case .headMissing(.anchor, _): "anchor_missing"
            case .headMissing(.signedHead, _): "signed_head_missing"
            case .anchorPruned: "anchor_pruned"
            case .badSignature: "bad_signature"
            case .noSignedHead: "no_signed_head"
            }
        }
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
            return "\(Self.range(first, last)) missing and no retention checkpoint covers them"
        case .checkpointNotAtStart(let checkpointID, let first, let last):
            return "\(Self.range(first, last)) missing; retention checkpoint \(checkpointID) declares them pruned, "
                + "but older events are still there (retention prunes only the oldest events)"
        case .reordered(let originalID):
            return "event \(id): holds the event recorded as \(originalID) (rows were moved or swapped)"
        case .checkpointMismatch(let checkpointID):
            return "event \(id): hash differs from the one retention checkpoint \(checkpointID) recorded"
        case .unreadable(let reason):
            return "event \(id): cannot be read: \(reason)"
        case .headMismatch(let witness):
            return "event \(id): hash differs from the one \(Self.name(witness)) recorded "
                + "(the chain was rewritten at or before it)"
        case .headMissing(let witness, let logEnd):
            let end = logEnd.map { "the log ends at event \($0)" } ?? "the log is empty"
            return "event \(id), which \(Self.name(witness)) recorded, is missing: \(end) "
                + "(events were cut off, or an older copy of the database was restored)"
        case .anchorPruned(let firstID):
            return "event \(id), the anchor, was pruned by retention (the log begins at \(firstID)): "
                + "give a newer anchor"
        case .badSignature(let witness, let reason):
            return "event \(id): \(Self.name(witness)) does not verify: \(reason)"
        case .noSignedHead:
            return "no signed head to check with the public key (were the signed heads deleted, or is signing off?)"
        }
    }

    private static func range(_ first: Int64, _ last: Int64) -> String {
        first == last ? "event \(first) is" : "events \(first)...\(last) are"
    }

    private static func name(_ witness: Witness) -> String {
        switch witness {
        case .anchor: return "the anchor"
        case .signedHead(let time):
            var text: [UInt8] = []
            AuditTime.appendRFC3339(milliseconds: time, to: &text)
            return "the head signed at \(String(decoding: text, as: UTF8.self))"
        }
    }
}
