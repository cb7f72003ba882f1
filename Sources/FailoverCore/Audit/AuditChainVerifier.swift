/// Checks the audit hash chain event by event, in id order, without holding more than two events.
///
/// Feed the stored events in increasing id order with ``consume(_:)`` (in as many batches as convenient), then
/// call ``finish(lastAssignedID:)``. For each event it recomputes `SHA-256(previous ‖ canonical encoding)` and
/// compares it with the stored hash; ids must follow each other. The only gap allowed is a prefix of the log that
/// a retention checkpoint covers: the first row must come right after an id the checkpoint declares pruned
/// (rows up to that id that are still there await an interrupted prune and are passed over), and the chain goes on
/// from the checkpoint's declared hash. A checkpoint that would cover a gap anywhere else is a break.
///
/// Two witnesses from outside the walk are checked where the walk reaches their id: an ``AuditAnchor`` (the
/// chain must reach it with its hash) and signed heads fed with ``expect(_:)`` (each must verify with one of the
/// public keys, and the chain must compute its hash at its id). A witness beyond the last event means the log lost
/// its tail.
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
    private let keys: [AuditVerifyingKey]
    private let anchor: AuditAnchor?
    private var anchorChecked = false
    /// Signed heads fed and not reached yet, in head id order, from `nextHead` on.
    private var heads: [AuditSignedHead] = []
    private var nextHead = 0
    private var signedHead: AuditSignedHead?
    private var countAtSignedHead = 0
    /// Ids up to this one are declared pruned by the checkpoint the walk started from.
    private var prunedThrough: Int64 = 0
    private var expectedID: Int64 = 1
    private var previous: AuditHash = .genesis
    private var suspect: Suspect?
    private var broken: AuditChainBreak?
    private var count = 0
    private var firstID: Int64?
    private var headID: Int64?
    private var buffer: [UInt8] = []

    /// A verifier that knows the log's retention checkpoints (read them before the walk: they come after the
    /// events they cover), the anchor to check, and the public keys signed heads must verify with (none: signed
    /// heads are not checked; some: at least one signed head must be fed and reached).
    public init(
        checkpoints: some Sequence<AuditRetentionCheckpoint> = [AuditRetentionCheckpoint](),
        anchor: AuditAnchor? = nil, publicKeys: [AuditVerifyingKey] = []
    ) {
        for checkpoint in checkpoints where checkpoint.checkpointID > checkpoint.prunedThroughID {
            if let known = self.checkpoints[checkpoint.prunedThroughID], known.checkpointID > checkpoint.checkpointID {
                continue
            }
            self.checkpoints[checkpoint.prunedThroughID] = checkpoint
        }
        self.anchor = anchor
        keys = publicKeys
        buffer.reserveCapacity(1024)
    }

    /// Whether a broken link was found; further events are ignored.
    public var hasFoundBreak: Bool { broken != nil }

    /// Whether signed heads are checked (public keys were given): feed them with ``expect(_:)``.
    public var checksSignedHeads: Bool { !keys.isEmpty }

    /// Queues a signed head, to be checked when the walk reaches its id. Feed them in head id order, each before
    /// the events up to its id.
    public mutating func expect(_ head: AuditSignedHead) {
        guard checksSignedHeads, broken == nil else { return }
        if nextHead == heads.count {
            heads.removeAll(keepingCapacity: true)
            nextHead = 0
        }
        heads.append(head)
    }

    /// Checks the next event (ids increasing).
    public mutating func consume(_ event: AuditEvent) {
        guard broken == nil else { return }
        if let suspect {
            broken = Self.diagnose(suspect, next: event)
            return
        }
        if firstID == nil {
            firstID = event.id
            if event.id > 1 && !startAfterPrunedPrefix(firstID: event.id) { return }
        }
        if event.id <= prunedThrough {
            // Declared pruned, not deleted yet (an interrupted prune): its link cannot be checked any more.
            if event.id == prunedThrough && event.hash != previous, let checkpoint = checkpoints[prunedThrough] {
                broken = AuditChainBreak(id: event.id, kind: .checkpointMismatch(checkpointID: checkpoint.checkpointID))
            }
            return
        }
        if event.id != expectedID {
            guard event.id > expectedID else {
                broken = AuditChainBreak(
                    id: event.id, kind: .unreadable(reason: "id \(event.id) arrived after id \(expectedID - 1)"))
                return
            }
            let (first, last) = (expectedID, event.id - 1)
            if let checkpoint = checkpoints[last] {
                broken = AuditChainBreak(
                    id: first,
                    kind: .checkpointNotAtStart(checkpointID: checkpoint.checkpointID, first: first, last: last))
            } else {
                broken = AuditChainBreak(id: first, kind: .missingEvents(first: first, last: last))
            }
            return
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
        checkWitnesses(at: event.id, hash: computed)
        guard broken == nil else { return }
        count += 1
        headID = event.id
        previous = computed
        expectedID = event.id + 1
        if signedHead?.headID == event.id { countAtSignedHead = count }
    }

    /// Starts the walk after the prefix the checkpoint covering `firstID - 1` declares pruned; `false` (and a
    /// break) when no checkpoint covers it.
    private mutating func startAfterPrunedPrefix(firstID: Int64) -> Bool {
        let covering = checkpoints.values.filter { $0.prunedThroughID >= firstID - 1 }
            .min { $0.prunedThroughID < $1.prunedThroughID }
        guard let covering else {
            broken = AuditChainBreak(id: 1, kind: .missingEvents(first: 1, last: firstID - 1))
            return false
        }
        prunedThrough = covering.prunedThroughID
        previous = covering.prunedThroughHash
        expectedID = prunedThrough + 1
        if let anchor, anchor.id <= prunedThrough {
            anchorChecked = true
            if anchor.id < prunedThrough {
                broken = AuditChainBreak(id: anchor.id, kind: .anchorPruned(firstID: prunedThrough + 1))
            } else if let hash = anchor.hash, hash != previous {
                broken = AuditChainBreak(id: anchor.id, kind: .headMismatch(.anchor))
            }
        }
        return broken == nil
    }

    /// Checks the signed heads and then the anchor at `id`, whose verified hash is `hash`; heads before it lay in
    /// the pruned prefix.
    private mutating func checkWitnesses(at id: Int64, hash: AuditHash) {
        while nextHead < heads.count, heads[nextHead].headID <= id {
            let head = heads[nextHead]
            nextHead += 1
            guard head.headID == id else { continue }
            let witness = AuditChainBreak.Witness.signedHead(signedAtMilliseconds: head.signedAtMilliseconds)
            if let reason = signatureProblem(head) {
                broken = AuditChainBreak(id: id, kind: .badSignature(witness, reason: reason))
                return
            }
            guard head.headHash == hash else {
                broken = AuditChainBreak(id: id, kind: .headMismatch(witness))
                return
            }
            signedHead = head
        }
        if let anchor, !anchorChecked, anchor.id <= id {
            anchorChecked = true
            if let expected = anchor.hash, expected != hash {
                broken = AuditChainBreak(id: id, kind: .headMismatch(.anchor))
            }
        }
    }

    /// Why `head` does not verify with the keys given, or `nil` when it does.
    private func signatureProblem(_ head: AuditSignedHead) -> String? {
        guard let key = keys.first(where: { $0.keyID == head.keyID }) else {
            return "signed with key \(head.keyID), which is not one of the public keys given"
        }
        return key.isValidSignature(of: head) ? nil : "the signature does not match (key \(head.keyID))"
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

    /// The verdict. `lastAssignedID`, when known (the log's id sequence), reveals events removed from the end; so
    /// do an anchor and signed heads beyond the last event.
    public mutating func finish(lastAssignedID: Int64? = nil) -> AuditVerification {
        if broken == nil, let suspect {
            broken = AuditChainBreak(id: suspect.event.id, kind: .hashMismatch)
        }
        if broken == nil, let lastAssignedID, lastAssignedID >= expectedID {
            broken = AuditChainBreak(
                id: expectedID, kind: .missingEvents(first: expectedID, last: lastAssignedID))
        }
        if broken == nil, let anchor, !anchorChecked {
            broken =
                anchor.id <= prunedThrough
                ? AuditChainBreak(id: anchor.id, kind: .anchorPruned(firstID: prunedThrough + 1))
                : AuditChainBreak(id: anchor.id, kind: .headMissing(.anchor, logEnd: headID))
        }
        if broken == nil, let head = heads[nextHead...].first(where: { $0.headID > (headID ?? 0) }) {
            let witness = AuditChainBreak.Witness.signedHead(signedAtMilliseconds: head.signedAtMilliseconds)
            let kind: AuditChainBreak.Kind =
                signatureProblem(head).map { .badSignature(witness, reason: $0) }
                ?? .headMissing(witness, logEnd: headID)
            broken = AuditChainBreak(id: head.headID, kind: kind)
        }
        if broken == nil, checksSignedHeads, signedHead == nil {
            broken = AuditChainBreak(id: headID ?? 0, kind: .noSignedHead)
        }
        return AuditVerification(
            eventCount: count, firstID: firstID, headID: headID, headHash: headID == nil ? nil : previous,
            firstBreak: broken, signedHead: signedHead,
            eventsAfterSignedHead: signedHead == nil ? nil : count - countAtSignedHead,
            anchor: anchorChecked && broken == nil ? anchor : nil)
    }

    /// Verifies a whole log held in memory (its retention checkpoints are taken from the events themselves), with
    /// an anchor and signed heads (checked with `publicKeys`) if given.
    public static func verify(
        _ events: some Collection<AuditEvent>, lastAssignedID: Int64? = nil, anchor: AuditAnchor? = nil,
        signedHeads: [AuditSignedHead] = [], publicKeys: [AuditVerifyingKey] = []
    ) -> AuditVerification {
        var verifier = AuditChainVerifier(
            checkpoints: events.compactMap(AuditRetentionCheckpoint.init(event:)), anchor: anchor,
            publicKeys: publicKeys)
        for head in signedHeads.sorted(by: { $0.headID < $1.headID }) { verifier.expect(head) }
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
