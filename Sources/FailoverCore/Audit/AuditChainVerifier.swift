/// Checks the audit hash chain event by event, in id order, without holding more than two events.
///
/// Feed the stored events in increasing id order with ``consume(_:)`` (in as many batches as convenient), then
/// call ``finish(lastAssignedID:)``. For each event it recomputes `SHA-256(previous ‖ canonical encoding)` and
/// compares it with the stored hash; ids must follow each other, except across a gap that a retention checkpoint
/// covers (the checkpoint's declared hash then becomes the previous hash: the chain's new anchor).
///
/// When a hash does not match, the verifier looks at the next event to say what differs: the next event still
/// links to the stored hash (the content was edited), to the recomputed one (the hash was edited), or the next
/// event is the one recorded at this id (rows were moved or swapped).
public struct AuditChainVerifier: Sendable {
    private struct Suspect: Sendable {
        var event: AuditEvent
        var previous: AuditHash
        var computed: AuditHash
    }

    /// Checkpoints by the last id they prune.
    private var checkpoints: [Int64: AuditRetentionCheckpoint] = [:]
    private var expectedID: Int64 = 1
    private var previous: AuditHash = .genesis
    private var suspect: Suspect?
    private var broken: AuditChainBreak?
    private var count = 0
    private var firstID: Int64?
    private var headID: Int64?
    private var buffer: [UInt8] = []

    /// A verifier that knows the log's retention checkpoints (read them before the walk: they come after the
    /// events they cover).
    public init(checkpoints: some Sequence<AuditRetentionCheckpoint> = [AuditRetentionCheckpoint]()) {
        for checkpoint in checkpoints {
            if let known = self.checkpoints[checkpoint.prunedThroughID], known.checkpointID > checkpoint.checkpointID {
                continue
            }
            self.checkpoints[checkpoint.prunedThroughID] = checkpoint
        }
        buffer.reserveCapacity(1024)
    }

    /// Whether a broken link was found; further events are ignored.
    public var hasFoundBreak: Bool { broken != nil }

    /// Checks the next event (ids increasing).
    public mutating func consume(_ event: AuditEvent) {
        guard broken == nil else { return }
        if let suspect {
            broken = Self.diagnose(suspect, next: event)
            return
        }
        if firstID == nil { firstID = event.id }
        if event.id != expectedID {
            guard event.id > expectedID else {
                broken = AuditChainBreak(
                    id: event.id, kind: .unreadable(reason: "id \(event.id) arrived after id \(expectedID - 1)"))
                return
            }
            guard let checkpoint = checkpoints[event.id - 1] else {
                broken = AuditChainBreak(id: expectedID, kind: .missingEvents(first: expectedID, last: event.id - 1))
                return
            }
            previous = checkpoint.prunedThroughHash
        }
        buffer.removeAll(keepingCapacity: true)
        event.appendCanonicalEncoding(to: &buffer)
        let computed = AuditHash.chaining(previous: previous, canonicalEncoding: buffer)
        guard computed == event.hash else {
            suspect = Suspect(event: event, previous: previous, computed: computed)
            return
        }
        if let checkpoint = checkpoints[event.id], checkpoint.prunedThroughHash != computed {
            broken = AuditChainBreak(id: event.id, kind: .checkpointMismatch(checkpointID: checkpoint.checkpointID))
            return
        }
        count += 1
        headID = event.id
        previous = computed
        expectedID = event.id + 1
    }

    /// Records a stored row that could not be read as an event (it breaks the chain at `id`).
    public mutating func recordUnreadable(id: Int64, reason: String) {
        guard broken == nil else { return }
        if let suspect {
            broken = AuditChainBreak(id: suspect.event.id, kind: .hashMismatch)
            return
        }
        broken = AuditChainBreak(id: id, kind: .unreadable(reason: reason))
    }

    /// The verdict. `lastAssignedID`, when known (the log's id sequence), reveals events removed from the end.
    public mutating func finish(lastAssignedID: Int64? = nil) -> AuditVerification {
        if broken == nil, let suspect {
            broken = AuditChainBreak(id: suspect.event.id, kind: .hashMismatch)
        }
        if broken == nil, let lastAssignedID, lastAssignedID >= expectedID {
            broken = AuditChainBreak(
                id: expectedID, kind: .missingEvents(first: expectedID, last: lastAssignedID))
        }
        return AuditVerification(
            eventCount: count, firstID: firstID, headID: headID, headHash: headID == nil ? nil : previous,
            firstBreak: broken)
    }

    /// Verifies a whole log held in memory (its retention checkpoints are taken from the events themselves).
    public static func verify(_ events: some Collection<AuditEvent>, lastAssignedID: Int64? = nil) -> AuditVerification
    {
        var verifier = AuditChainVerifier(checkpoints: events.compactMap(AuditRetentionCheckpoint.init(event:)))
        for event in events {
            verifier.consume(event)
            if verifier.hasFoundBreak { break }
        }
        return verifier.finish(lastAssignedID: lastAssignedID)
    }

    private static func diagnose(_ suspect: Suspect, next: AuditEvent) -> AuditChainBreak {
        let id = suspect.event.id
        guard next.id == id + 1 else { return AuditChainBreak(id: id, kind: .hashMismatch) }
        // The next row holds the event recorded at this id: rows were swapped or moved.
        if AuditHash.chaining(previous: suspect.previous, canonicalEncoding: next.canonicalEncoding(asID: id))
            == next.hash
        {
            let swapped =
                AuditHash.chaining(
                    previous: next.hash, canonicalEncoding: suspect.event.canonicalEncoding(asID: id + 1))
                == suspect.event.hash
            return swapped
                ? AuditChainBreak(id: id, kind: .reordered(originalID: id + 1))
                : AuditChainBreak(id: id + 1, kind: .reordered(originalID: id))
        }
        if next.isLinked(after: suspect.event.hash) { return AuditChainBreak(id: id, kind: .editedContent) }
        return AuditChainBreak(id: id, kind: .hashMismatch)
    }
}
