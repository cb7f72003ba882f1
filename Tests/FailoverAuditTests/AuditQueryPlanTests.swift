import FailoverCore
import GRDB
import Testing

@testable import FailoverStore

@Suite("Audit query plans: one index range per page, never a sort")
struct AuditQueryPlanTests {
    static func plan(_ query: AuditQuery, in db: Database) throws -> String {
        let selection = AuditSelection(query, lowerID: 10, upperID: 500, limit: 101)
        let arguments = StatementArguments(
            selection.values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .integer(let number): number
                case .text(let text): text
                }
            })
        return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + selection.sql, arguments: arguments)
            .map { $0["detail"] as String }.joined(separator: "; ")
    }

    @Test("each filter reads its own index (or the table backwards) within the id bounds")
    func plans() throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        let cases: [(AuditQuery, String)] = [
            (AuditQuery(), "SEARCH audit_events USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"),
            (AuditQuery(runbook: "db"), "USING INDEX audit_events_runbook (runbook=? AND id>? AND id<?)"),
            (
                AuditQuery(fingerprint: "f"),
                "USING INDEX audit_events_fingerprint (fingerprint=? AND id>? AND id<?)"
            ),
            (AuditQuery(alertname: "A"), "USING INDEX audit_events_alertname (alertname=? AND id>? AND id<?)"),
            (AuditQuery(execution: 3), "USING INDEX audit_events_execution (execution_id=? AND id>? AND id<?)"),
            (AuditQuery(type: .runbookFailed), "USING INDEX audit_events_type (type=? AND id>? AND id<?)"),
            (AuditQuery(outcome: .failure), "USING INDEX audit_events_outcome (outcome=? AND id>? AND id<?)"),
            (AuditQuery(type: .webhookReceived), "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"),
            (AuditQuery(outcome: .success), "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"),
            (
                AuditQuery(type: .runbookFailed, runbook: "db", outcome: .failure),
                "USING INDEX audit_events_runbook (runbook=? AND id>? AND id<?)"
            ),
            (
                AuditQuery(type: .episodeOpened, fingerprint: "f"),
                "USING INDEX audit_events_fingerprint (fingerprint=? AND id>? AND id<?)"
            ),
        ]
        try fixture.read { db in
            for (query, expected) in cases {
                let plan = try Self.plan(query, in: db)
                #expect(plan.contains(expected), "\(query): \(plan)")
                #expect(!plan.contains("TEMP B-TREE"), "\(query): \(plan)")
            }
        }
    }
}
