import FailoverCore
import FailoverStore
import Foundation
import GRDB
import Testing

@Suite("Audit retention: pruning bodies and events keeps the chain verifiable")
struct AuditRetentionTests {
    static let day = AuditStoreFixture.day
    static let now = AuditStoreFixture.base + 40 * day

    /// 40 events, one a day from `base`; deliveries one a day too.
    static func filled() throws -> AuditStoreFixture {
        let fixture = try AuditStoreFixture()
        try fixture.append((0..<40).map { AuditStoreFixture.draft(at: Int64($0) * day) })
        try fixture.connection().write { db in
            for index in 0..<40 {
                try db.execute(
                    sql: """
                        INSERT INTO deliveries (received_at_ms, remote_address, group_key, receiver, status,
                            alert_count, firing_count, resolved_count, truncated_alerts, body_sha256, body)
                        VALUES (?, '127.0.0.1', 'g', 'r', 'firing', 1, 1, 0, 0, ?, ?)
                        """,
                    arguments: [
                        AuditStoreFixture.base + Int64(index) * day, "digest\(index)", Data("{\"n\":\(index)}".utf8),
                    ])
            }
        }
        return fixture
    }

    func bodies(_ fixture: AuditStoreFixture) throws -> [Int] {
        try fixture.connection().read { db in
            try Int.fetchAll(db, sql: "SELECT id FROM deliveries WHERE body IS NOT NULL ORDER BY id")
        }
    }

    @Test("pruning events older than N days records a checkpoint and the chain still verifies, across a restart")
    func pruneEvents() async throws {
        let fixture = try Self.filled()
        defer { fixture.close() }
        let policy = AuditRetentionPolicy(deliveryBodyDays: nil, eventDays: 10, batchSize: 7, pause: .zero)
        let report = try await fixture.store.applyRetention(policy, now: Self.now)
        // Events 1...30 are older than 10 days (day 0 ... day 29); 31...40 stay.
        #expect(report.eventsPruned == 30)
        #expect(report.bodiesPruned == 0)
        let checkpoint = try #require(report.checkpoint)
        #expect(checkpoint.id == 41)
        #expect(checkpoint.type == .retentionCheckpoint)
        #expect(checkpoint.actor == "retention")
        let declared = try #require(AuditRetentionCheckpoint(event: checkpoint))
        #expect(declared.prunedThroughID == 30)
        #expect(
            try checkpoint.detail.values()["events_before"]
                == .string(Timestamp(secondsSinceEpoch: (Self.now - 10 * Self.day) / 1000).rfc3339))
        #expect(try fixture.all().map(\.id) == Array(31...41))

        let verification = try await fixture.store.verifyAuditLog(batchSize: 4)
        #expect(verification.description == "intact, 11 events")
        #expect(verification.firstID == 31)
        try fixture.restart()
        #expect(try await fixture.store.verifyAuditLog() == verification)

        // The chain continues after the checkpoint; a second run has nothing to do.
        let next = try await fixture.store.appendAuditEvent(AuditStoreFixture.draft(at: 41 * Self.day))
        #expect(next.id == 42)
        #expect(try await fixture.store.applyRetention(policy, now: Self.now) == AuditRetentionReport())
        #expect(try await fixture.store.verifyAuditLog().description == "intact, 12 events")

        // Deleting more than the checkpoint declares is still caught.
        try fixture.tamper("DELETE FROM audit_events WHERE id = 31")
        #expect(
            try await fixture.store.verifyAuditLog().firstBreak
                == AuditChainBreak(id: 1, kind: .missingEvents(first: 1, last: 31)))
    }

    @Test("an interrupted prune (oldest ids deleted first) verifies, and the next run finishes it")
    func interruptedPrune() async throws {
        let fixture = try Self.filled()
        defer { fixture.close() }
        let events = try fixture.all()
        // What a run interrupted after its first batch leaves: the checkpoint, then ids 1...5 deleted.
        try fixture.write { db in
            _ = try AuditWriter().append(
                AuditEventDraft(
                    type: .retentionCheckpoint, actor: "retention", recordedAtMilliseconds: Self.now,
                    detail: [
                        AuditRetentionCheckpoint.throughIDKey: 30,
                        AuditRetentionCheckpoint.throughHashKey: .string(events[29].hash.hex),
                    ]), in: db)
            try db.execute(sql: "DELETE FROM audit_events WHERE id BETWEEN 1 AND 5")
        }
        // 6...30 await pruning and are passed over; 31...41 verify.
        let interrupted = try await fixture.store.verifyAuditLog(batchSize: 4)
        #expect(interrupted.description == "intact, 11 events")
        #expect(interrupted.firstID == 6)
        let report = try await fixture.store.applyRetention(
            AuditRetentionPolicy(deliveryBodyDays: nil, eventDays: 10, batchSize: 10, pause: .zero), now: Self.now)
        #expect(report.eventsPruned == 25)
        #expect(try fixture.all().first?.id == 31)
        #expect(try await fixture.store.verifyAuditLog().description == "intact, 12 events")
    }

    @Test("a prune deletes from the oldest id up, so an interruption leaves a prefix gap")
    func pruneOrder() async throws {
        let fixture = try Self.filled()
        defer { fixture.close() }
        let task = Task {
            try await fixture.store.applyRetention(
                AuditRetentionPolicy(deliveryBodyDays: nil, eventDays: 10, batchSize: 7, pause: .seconds(600)),
                now: Self.now)
        }
        // Wait for the first batch, then stop the run (a loaded machine may take long to start it).
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while try fixture.read({ db in try Int64.fetchOne(db, sql: "SELECT min(id) FROM audit_events") }) == 1,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        // Cancelled in its pause (interrupted) or as the first write returns (GRDB's CancellationError): either way
        // the first batch is committed and nothing after it.
        _ = try? await task.value
        #expect(try fixture.all().map(\.id) == Array(8...41))
        #expect(try await fixture.store.verifyAuditLog().description == "intact, 11 events")
    }

    @Test("webhook bodies older than N days are dropped in batches; digests stay; progress carries over")
    func pruneBodies() async throws {
        let fixture = try Self.filled()
        defer { fixture.close() }
        let policy = AuditRetentionPolicy(deliveryBodyDays: 30, eventDays: nil, batchSize: 4, pause: .zero)
        let report = try await fixture.store.applyRetention(policy, now: Self.now)
        #expect(report.bodiesPruned == 10)
        #expect(report.eventsPruned == 0)
        #expect(try bodies(fixture) == Array(11...40))
        let digests = try fixture.read { db in
            try String.fetchAll(db, sql: "SELECT body_sha256 FROM deliveries ORDER BY id")
        }
        #expect(digests == (0..<40).map { "digest\($0)" })
        let checkpoint = try #require(report.checkpoint)
        #expect(
            try checkpoint.detail.values()["bodies_pruned_through_delivery_id"] == 10
                && checkpoint.detail["bodies_pruned_from_delivery_id"] == 1)
        #expect(AuditRetentionCheckpoint(event: checkpoint) == nil)

        // Nothing new to prune: no run, no event. Later, the next run starts where this one stopped.
        #expect(try await fixture.store.applyRetention(policy, now: Self.now) == AuditRetentionReport())
        let later = try await fixture.store.applyRetention(policy, now: Self.now + 5 * Self.day)
        #expect(later.bodiesPruned == 5)
        #expect(later.checkpoint?.detail["bodies_pruned_from_delivery_id"] == 11)
        #expect(try bodies(fixture) == Array(16...40))
        #expect(try await fixture.store.verifyAuditLog().description == "intact, 42 events")
    }

    @Test("bodies and events pruned in one run, while the webhook path keeps appending")
    func pruneWhileAppending() async throws {
        let fixture = try Self.filled()
        defer { fixture.close() }
        let appender = Task {
            for index in 0..<20 {
                try fixture.append([AuditStoreFixture.draft(at: (41 + Int64(index)) * Self.day)])
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        let report = try await fixture.store.applyRetention(
            AuditRetentionPolicy(deliveryBodyDays: 20, eventDays: 20, batchSize: 3, pause: .milliseconds(1)),
            now: Self.now)
        try await appender.value
        #expect(report.eventsPruned == 20)
        #expect(report.bodiesPruned == 20)
        #expect(try bodies(fixture) == Array(21...40))
        let verification = try await fixture.store.verifyAuditLog(batchSize: 5)
        #expect(verification.isIntact)
        #expect(verification.eventCount == 41)
        #expect(verification.firstID == 21)
    }
}
