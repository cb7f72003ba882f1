import FailoverCore
import FailoverStore
import GRDB
import Testing

@Suite("Audit writer: ids, hashes and transactions")
struct AuditWriterTests {
    struct Rollback: Error {}

    @Test("ids and links continue across writers, connections and a restart")
    func continuity() async throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        let first = try await fixture.store.appendAuditEvent(AuditStoreFixture.draft(.serviceStarted, actor: "service"))
        #expect(first.id == 1)
        #expect(first.isLinked(after: .genesis))
        let batch = try fixture.append([
            AuditStoreFixture.draft(at: 1), AuditStoreFixture.draft(.episodeOpened, at: 2, fingerprint: "f1"),
        ])
        #expect(batch.map(\.id) == [2, 3])
        #expect(batch[0].isLinked(after: first.hash))
        #expect(batch[1].isLinked(after: batch[0].hash))
        try fixture.restart()
        let afterRestart = try await fixture.store.appendAuditEvent(
            AuditStoreFixture.draft(.serviceStarted, at: 3, actor: "service"))
        #expect(afterRestart.id == 4)
        #expect(afterRestart.isLinked(after: batch[1].hash))
        #expect(try fixture.all() == [first] + batch + [afterRestart])
        let verification = try await fixture.store.verifyAuditLog()
        #expect(verification.description == "intact, 4 events")
        #expect(verification.headID == 4)
        #expect(verification.headHash == afterRestart.hash)
        #expect(try await fixture.store.auditEvent(id: 3) == batch[1])
        #expect(try await fixture.store.auditEvent(id: 99) == nil)
    }

    @Test("an append rolls back with the caller's transaction or savepoint; the writer notices and stays correct")
    func rollback() throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        let queue = try fixture.connection()
        var writer: AuditWriter? = AuditWriter()
        #expect(throws: Rollback.self) {
            try queue.write { db in
                _ = try writer!.append(AuditStoreFixture.draft(at: 0), in: db)
                throw Rollback()
            }
        }
        let events = try queue.write { db in
            let kept = try writer!.append(AuditStoreFixture.draft(at: 1), in: db)
            try db.inSavepoint {
                _ = try writer!.append(AuditStoreFixture.draft(at: 2), in: db)
                return .rollback
            }
            let last = try writer!.append(AuditStoreFixture.draft(at: 3), in: db)
            return [kept, last]
        }
        // Another connection appends between two transactions of this writer.
        let other = try fixture.append([AuditStoreFixture.draft(.manualAction, at: 4, actor: "token:ops")])
        let after = try queue.write { db in try writer!.append(AuditStoreFixture.draft(at: 5), in: db) }
        queue.writeWithoutTransaction { _ in writer = nil }
        #expect(events.map(\.id) == [1, 2])
        #expect(other.map(\.id) == [3])
        #expect(after.id == 4)
        #expect(after.isLinked(after: other[0].hash))
        #expect(AuditChainVerifier.verify(try fixture.all()).description == "intact, 4 events")
    }

    @Test("two writers on one connection interleave in one transaction; each relinks to the other's events")
    func interleavedWriters() throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        let events = try fixture.write { db in
            let ingest = AuditWriter()
            let engine = AuditWriter()
            return [
                try ingest.append(AuditStoreFixture.draft(at: 10), in: db),
                try engine.append(AuditStoreFixture.draft(.runbookStarted, at: 5, runbook: "db"), in: db),
                try ingest.append(AuditStoreFixture.draft(at: 20), in: db),
                try ingest.append(AuditStoreFixture.draft(at: 30), in: db),
                try engine.append(AuditStoreFixture.draft(.runbookFinished, at: 25, runbook: "db"), in: db),
            ]
        }
        #expect(events.map(\.id) == [1, 2, 3, 4, 5])
        #expect(events.map(\.recordedAtMilliseconds) == [10, 10, 20, 30, 30].map { AuditStoreFixture.base + $0 })
        #expect(try fixture.all() == events)
        #expect(AuditChainVerifier.verify(events).description == "intact, 5 events")
    }

    @Test("an append outside a transaction runs in one of its own")
    func ownTransaction() throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        let queue = try fixture.connection()
        let event = try queue.writeWithoutTransaction { db in
            try AuditWriter().append(AuditStoreFixture.draft(), in: db)
        }
        #expect(event.id == 1)
        #expect(try fixture.all() == [event])
    }

    @Test("time never goes backwards along ids; the stored time is the one hashed")
    func monotonicTime() throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        let events = try fixture.append([
            AuditStoreFixture.draft(at: 1000), AuditStoreFixture.draft(at: 400), AuditStoreFixture.draft(at: 1200),
        ])
        #expect(events.map(\.recordedAtMilliseconds) == [1000, 1000, 1200].map { AuditStoreFixture.base + $0 })
        #expect(try fixture.all() == events)
        #expect(AuditChainVerifier.verify(events).isIntact)
    }

    @Test("ids are never reused, even after the newest events were deleted")
    func idsNeverReused() async throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        try fixture.append((0..<5).map { AuditStoreFixture.draft(at: $0) })
        try fixture.tamper("DELETE FROM audit_events WHERE id >= 4")
        let next = try await fixture.store.appendAuditEvent(AuditStoreFixture.draft(at: 9))
        #expect(next.id == 6)
        let verification = try await fixture.store.verifyAuditLog()
        #expect(verification.firstBreak == AuditChainBreak(id: 4, kind: .missingEvents(first: 4, last: 5)))
    }

    @Test("the schema has the audit tables and indexes")
    func schema() throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        #expect(try fixture.store.schemaVersion() == "v8_execution_gauge_indexes")
        let indexes = try fixture.connection().read { db in
            try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' ORDER BY name")
        }
        #expect(
            indexes == [
                "audit_events_alertname", "audit_events_execution", "audit_events_fingerprint", "audit_events_outcome",
                "audit_events_runbook", "audit_events_time", "audit_events_type",
            ])
    }
}
