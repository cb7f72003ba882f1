import FailoverCore
import FailoverStore
import GRDB
import Testing

@Suite("Audit verification of the stored chain")
struct AuditVerifyTests {
    /// A fixture with 50 events.
    static func filled() throws -> AuditStoreFixture {
        let fixture = try AuditStoreFixture()
        try fixture.append(
            (0..<50).map { index in
                AuditStoreFixture.draft(
                    index % 2 == 0 ? .webhookReceived : .episodeOpened, at: Int64(index),
                    fingerprint: "fp\(index % 5)", detail: ["delivery": .integer(Int64(index))])
            })
        return fixture
    }

    @Test("an intact chain, also in batches smaller than the log and across a restart")
    func intact() async throws {
        let fixture = try Self.filled()
        defer { fixture.close() }
        let whole = try await fixture.store.verifyAuditLog()
        #expect(whole.description == "intact, 50 events")
        #expect(whole.firstID == 1)
        #expect(try await fixture.store.verifyAuditLog(batchSize: 7) == whole)
        try fixture.restart()
        #expect(try await fixture.store.verifyAuditLog(batchSize: 3) == whole)
        let empty = try AuditStoreFixture()
        defer { empty.close() }
        #expect(try await empty.store.verifyAuditLog().description == "intact, 0 events")
    }

    @Test(
        "an edited row is found at its id",
        arguments: [
            "UPDATE audit_events SET actor = 'intruder' WHERE id = 17",
            "UPDATE audit_events SET outcome = 'failure' WHERE id = 17",
            "UPDATE audit_events SET recorded_at_ms = recorded_at_ms + 1 WHERE id = 17",
            #"UPDATE audit_events SET detail = '{"delivery": 16}' WHERE id = 17"#,
            "UPDATE audit_events SET fingerprint = NULL WHERE id = 17",
            "UPDATE audit_events SET episode_id = 3 WHERE id = 17",
        ])
    func editedRow(sql: String) async throws {
        let fixture = try Self.filled()
        defer { fixture.close() }
        try fixture.tamper(sql)
        let result = try await fixture.store.verifyAuditLog(batchSize: 10)
        #expect(result.firstBreak == AuditChainBreak(id: 17, kind: .editedContent))
        #expect(result.eventCount == 16)
        #expect(result.headID == 16)
    }

    @Test("an edited hash, an unknown type and a damaged hash are reported")
    func damagedRows() async throws {
        let fixture = try Self.filled()
        defer { fixture.close() }
        try fixture.tamper("UPDATE audit_events SET hash = (SELECT hash FROM audit_events WHERE id = 3) WHERE id = 20")
        #expect(
            try await fixture.store.verifyAuditLog().firstBreak == AuditChainBreak(id: 20, kind: .hashMismatch))

        let typed = try Self.filled()
        defer { typed.close() }
        try typed.tamper("UPDATE audit_events SET type = 'episode.deleted' WHERE id = 8")
        #expect(
            try await typed.store.verifyAuditLog().description
                == "broken: event 8: cannot be read: unknown type 'episode.deleted'")

        let short = try Self.filled()
        defer { short.close() }
        try short.tamper("UPDATE audit_events SET hash = x'00' WHERE id = 9")
        #expect(
            try await short.store.verifyAuditLog().firstBreak
                == AuditChainBreak(id: 9, kind: .unreadable(reason: "hash is not 32 bytes")))
    }

    @Test("a deleted row is a gap at its id; deleting the newest rows shows too")
    func deletedRow() async throws {
        let fixture = try Self.filled()
        defer { fixture.close() }
        try fixture.tamper("DELETE FROM audit_events WHERE id = 23")
        let result = try await fixture.store.verifyAuditLog(batchSize: 10)
        #expect(result.firstBreak == AuditChainBreak(id: 23, kind: .missingEvents(first: 23, last: 23)))
        #expect(result.description == "broken: event 23 is missing and no retention checkpoint covers them")

        let head = try Self.filled()
        defer { head.close() }
        try head.tamper("DELETE FROM audit_events WHERE id <= 2")
        #expect(
            try await head.store.verifyAuditLog().firstBreak
                == AuditChainBreak(id: 1, kind: .missingEvents(first: 1, last: 2)))

        let tail = try Self.filled()
        defer { tail.close() }
        try tail.tamper("DELETE FROM audit_events WHERE id >= 48")
        #expect(
            try await tail.store.verifyAuditLog().firstBreak
                == AuditChainBreak(id: 48, kind: .missingEvents(first: 48, last: 50)))
    }

    @Test("a reordered row (two ids swapped) is reported as reordered")
    func reorderedRow() async throws {
        let fixture = try Self.filled()
        defer { fixture.close() }
        try fixture.tamper(
            """
            UPDATE audit_events SET id = -30 WHERE id = 30;
            UPDATE audit_events SET id = 30 WHERE id = 31;
            UPDATE audit_events SET id = 31 WHERE id = -30;
            """)
        let result = try await fixture.store.verifyAuditLog(batchSize: 30)
        #expect(result.firstBreak == AuditChainBreak(id: 30, kind: .reordered(originalID: 31)))
        #expect(result.eventCount == 29)
    }
}
