import FailoverCore
import Testing

@Suite("Audit chain verification over values")
struct AuditChainVerifierTests {
    /// A chain of `count` events starting at id 1 after the genesis hash.
    static func chain(_ count: Int) -> [AuditEvent] {
        var events: [AuditEvent] = []
        var previous = AuditHash.genesis
        for index in 1...count {
            let draft = AuditEventDraft(
                type: index % 2 == 0 ? .episodeOpened : .webhookReceived, actor: "webhook",
                recordedAtMilliseconds: 1_795_279_038_000 + Int64(index), fingerprint: "fp\(index % 3)",
                detail: ["delivery": .integer(Int64(index))])
            let event = AuditEvent(draft: draft, id: Int64(index), previous: previous)
            events.append(event)
            previous = event.hash
        }
        return events
    }

    @Test("an intact chain verifies with its count, first id and head")
    func intact() {
        let events = Self.chain(10)
        let result = AuditChainVerifier.verify(events)
        #expect(result.isIntact)
        #expect(result.eventCount == 10)
        #expect(result.firstID == 1)
        #expect(result.headID == 10)
        #expect(result.headHash == events[9].hash)
        #expect(result.description == "intact, 10 events")
        #expect(AuditChainVerifier.verify([AuditEvent]()).description == "intact, 0 events")
    }

    @Test("edited content is told apart from an edited hash")
    func editedContent() {
        var events = Self.chain(10)
        events[4].actor = "someone else"
        let result = AuditChainVerifier.verify(events)
        #expect(result.firstBreak == AuditChainBreak(id: 5, kind: .editedContent))
        #expect(result.eventCount == 4)
        #expect(result.headID == 4)
        #expect(
            result.description
                == "broken: event 5: content was edited after it was recorded (the next event links to the stored hash)"
        )

        var rehashed = Self.chain(10)
        rehashed[4].detail = AuditDetail(storedJSON: #"{"delivery": 5}"#)
        #expect(AuditChainVerifier.verify(rehashed).firstBreak == AuditChainBreak(id: 5, kind: .editedContent))

        var hashEdited = Self.chain(10)
        hashEdited[4].hash = hashEdited[3].hash
        #expect(AuditChainVerifier.verify(hashEdited).firstBreak == AuditChainBreak(id: 5, kind: .hashMismatch))

        var lastEdited = Self.chain(10)
        lastEdited[9].outcome = .failure
        #expect(AuditChainVerifier.verify(lastEdited).firstBreak == AuditChainBreak(id: 10, kind: .hashMismatch))
    }

    @Test("a deleted event is a gap; events removed from the end show against the last assigned id")
    func deleted() {
        var events = Self.chain(10)
        events.remove(at: 6)
        let result = AuditChainVerifier.verify(events)
        #expect(result.firstBreak == AuditChainBreak(id: 7, kind: .missingEvents(first: 7, last: 7)))
        #expect(result.description == "broken: event 7 is missing and no retention checkpoint covers them")

        let head = Array(Self.chain(10).dropFirst(3))
        #expect(
            AuditChainVerifier.verify(head).firstBreak
                == AuditChainBreak(id: 1, kind: .missingEvents(first: 1, last: 3)))

        let truncated = Array(Self.chain(10).prefix(8))
        #expect(AuditChainVerifier.verify(truncated).isIntact)
        #expect(
            AuditChainVerifier.verify(truncated, lastAssignedID: 10).firstBreak
                == AuditChainBreak(id: 9, kind: .missingEvents(first: 9, last: 10)))
    }

    @Test("swapped or moved rows are reported as reordered")
    func reordered() {
        // Swap the contents of ids 5 and 6, keeping the ids in place (what swapping ids of two rows amounts to).
        var events = Self.chain(10)
        var fifth = events[5]
        var sixth = events[4]
        fifth.id = 5
        sixth.id = 6
        events[4] = fifth
        events[5] = sixth
        let result = AuditChainVerifier.verify(events)
        #expect(result.firstBreak == AuditChainBreak(id: 5, kind: .reordered(originalID: 6)))
        #expect(result.description == "broken: event 5: holds the event recorded as 6 (rows were moved or swapped)")

        // Event 5 moved to id 6 after deleting the original 6 (and 5 filled by a copy of 7).
        var moved = Self.chain(10)
        var copy = moved[6]
        copy.id = 5
        var shifted = moved[4]
        shifted.id = 6
        moved[4] = copy
        moved[5] = shifted
        #expect(AuditChainVerifier.verify(moved).firstBreak == AuditChainBreak(id: 6, kind: .reordered(originalID: 5)))
    }

    @Test("a retention checkpoint anchors the chain after a pruned prefix (an interrupted prune too), nowhere else")
    func checkpoints() throws {
        var events = Self.chain(10)
        let checkpointDraft = AuditEventDraft(
            type: .retentionCheckpoint, actor: "retention", recordedAtMilliseconds: 1_795_279_039_000,
            detail: [
                AuditRetentionCheckpoint.throughIDKey: 6,
                AuditRetentionCheckpoint.throughHashKey: .string(events[5].hash.hex),
            ])
        events.append(AuditEvent(draft: checkpointDraft, id: 11, previous: events[9].hash))
        let checkpoint = try #require(AuditRetentionCheckpoint(event: events[10]))
        #expect(
            checkpoint
                == AuditRetentionCheckpoint(checkpointID: 11, prunedThroughID: 6, prunedThroughHash: events[5].hash))

        // Fully pruned: 7...11 remain.
        let pruned = Array(events.dropFirst(6))
        let result = AuditChainVerifier.verify(pruned)
        #expect(result.isIntact)
        #expect(result.eventCount == 5)
        #expect(result.firstID == 7)

        // Interrupted (pruning runs upwards): 1...2 gone, 3...6 remain, passed over; the chain goes on from the
        // declared hash.
        let partial = Array(events.dropFirst(2))
        #expect(AuditChainVerifier.verify(partial).isIntact)
        #expect(AuditChainVerifier.verify(partial).eventCount == 5)
        #expect(AuditChainVerifier.verify(partial).firstID == 3)
        // A row awaiting pruning whose hash is not the declared one.
        var damaged = partial
        damaged[3].hash = events[0].hash
        #expect(
            AuditChainVerifier.verify(damaged).firstBreak
                == AuditChainBreak(id: 6, kind: .checkpointMismatch(checkpointID: 11)))

        // A checkpoint covers a prefix or nothing: 1...2 remain, 3...6 gone is a break, checkpoint or not.
        let middle = Array(events.prefix(2) + events.dropFirst(6))
        #expect(
            AuditChainVerifier.verify(middle).firstBreak
                == AuditChainBreak(id: 3, kind: .checkpointNotAtStart(checkpointID: 11, first: 3, last: 6)))

        // A gap the checkpoint does not cover is still reported.
        let beyond = Array(events.dropFirst(7))
        #expect(
            AuditChainVerifier.verify(beyond).firstBreak
                == AuditChainBreak(id: 1, kind: .missingEvents(first: 1, last: 7)))

        // A checkpoint that declares another hash than the chain computes for a present event.
        var lying = Self.chain(10)
        let lie = AuditEventDraft(
            type: .retentionCheckpoint, actor: "retention", recordedAtMilliseconds: 1_795_279_039_000,
            detail: [
                AuditRetentionCheckpoint.throughIDKey: 6,
                AuditRetentionCheckpoint.throughHashKey: .string(lying[2].hash.hex),
            ])
        lying.append(AuditEvent(draft: lie, id: 11, previous: lying[9].hash))
        #expect(
            AuditChainVerifier.verify(lying).firstBreak
                == AuditChainBreak(id: 6, kind: .checkpointMismatch(checkpointID: 11)))
    }

    @Test("feeding in batches gives the same verdict; an unreadable row breaks the chain there")
    func incremental() {
        let events = Self.chain(7)
        var verifier = AuditChainVerifier()
        for event in events.prefix(3) { verifier.consume(event) }
        for event in events.dropFirst(3) { verifier.consume(event) }
        #expect(verifier.finish() == AuditChainVerifier.verify(events))

        var damaged = AuditChainVerifier()
        damaged.consume(events[0])
        damaged.recordUnreadable(id: 2, reason: "unknown type 'x'")
        #expect(damaged.hasFoundBreak)
        #expect(damaged.finish().description == "broken: event 2: cannot be read: unknown type 'x'")
    }
}
