import FailoverCore
import Foundation
import GRDB
import Testing

@testable import FailoverStore

/// The executions gauges of `/metrics` read history that is never pruned, at every scrape: their plans must never
/// sort (a sort holds every matching row in memory), and their figures must be those of the whole history.
@Suite("Runbook gauges: seeks and index order over the executions, never a sort")
struct RunbookGaugeTests {
    /// Inserts one execution row as the ledger would leave it.
    static func insert(
        _ db: Database, runbook: String, kind: ExecutionKind, state: String, dryRun: Bool = false,
        suppressedReason: SuppressionReason? = nil, finishedAt: Int64? = nil
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO executions (runbook, key, kind, state, trigger, requested_by, dry_run, forced, moves_key,
                    suppressed_reason, labels, annotations, created_at_ms, due_at_ms, finished_at_ms)
                VALUES (?, '{"region":"us-east"}', ?, ?, 'alert', 'alertmanager', ?, 0, 1, ?, '{}', '{}', 1, 1, ?)
                """,
            arguments: [runbook, kind.rawValue, state, dryRun, suppressedReason?.rawValue, finishedAt])
    }

    @Test("both statements name their index and never use a temporary B-tree")
    func plans() throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        try fixture.externalConnection().read { db in
            // The latest of each runbook and kind is one seek on both leading columns, the next runbook one more.
            for (sql, index, steps) in [
                (
                    RunbookGauges.lastSuccessSQL, "executions_succeeded",
                    [
                        "SEARCH executions USING INDEX executions_succeeded (runbook=? AND kind=?)",
                        "SEARCH executions USING INDEX executions_succeeded (runbook>?)",
                    ]
                ),
                (RunbookGauges.suppressedCountsSQL, "executions_suppressed", []),
            ] {
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
                let text = plan.joined(separator: "; ")
                #expect(!text.contains("TEMP B-TREE"), "\(text)")
                #expect(!plan.contains("SCAN executions"), "\(text)")
                #expect(plan.contains { $0.contains("USING INDEX \(index)") }, "\(text)")
                #expect(!text.contains("executions_state"), "\(text)")
                for step in steps { #expect(plan.contains(step), "\(text)") }
            }
        }
    }

    @Test("the latest real success of each runbook and kind, and suppressions by reason, over every runbook")
    func figures() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        try await fixture.externalConnection().write { db in
            try Self.insert(db, runbook: "db", kind: .failover, state: "succeeded", finishedAt: 1_000)
            try Self.insert(db, runbook: "db", kind: .failover, state: "succeeded", finishedAt: 5_000)
            try Self.insert(db, runbook: "db", kind: .failover, state: "succeeded", finishedAt: 3_000)
            // A dry run and a failure are not successes, however late.
            try Self.insert(db, runbook: "db", kind: .failover, state: "succeeded", dryRun: true, finishedAt: 9_000)
            try Self.insert(db, runbook: "db", kind: .failover, state: "failed", finishedAt: 9_500)
            try Self.insert(db, runbook: "db", kind: .failback, state: "succeeded", finishedAt: 7_000)
            // A runbook no longer configured still has its rows, and is reported.
            try Self.insert(db, runbook: "api", kind: .failback, state: "succeeded", finishedAt: 2_000)
            try Self.insert(db, runbook: "web", kind: .failover, state: "suppressed", suppressedReason: .paused)
            try Self.insert(db, runbook: "web", kind: .failover, state: "suppressed", suppressedReason: .paused)
            try Self.insert(db, runbook: "db", kind: .failover, state: "suppressed", suppressedReason: .maxExecutions)
            try Self.insert(db, runbook: "web", kind: .failover, state: "succeeded", dryRun: true, finishedAt: 4_000)
        }
        let gauges = try await fixture.store.runbookGauges(configured: ["db", "web", "idle"], now: 10_000)
        #expect(Set(gauges.runbooks.keys) == ["db", "web", "idle", "api"])
        #expect(gauges.runbooks["db"]?.lastSuccess == [.failover: 5, .failback: 7])
        #expect(gauges.runbooks["api"]?.lastSuccess == [.failback: 2])
        #expect(gauges.runbooks["web"]?.lastSuccess == [:])
        #expect(gauges.runbooks["idle"]?.lastSuccess == [:])
        #expect(gauges.runbooks["web"]?.suppressed == [.paused: 2])
        #expect(gauges.runbooks["db"]?.suppressed == [.maxExecutions: 1])
        #expect(gauges.runbooks["idle"]?.suppressed == [:])
    }
}
