import FailoverCore
import Foundation
import GRDB

/// What `/metrics` reports of each runbook at a scrape, read from the database in one transaction: the state of
/// its keys, open incidents, executions waiting, overdue or running long, suppressions, pauses and the last
/// successful failover and failback.
public struct RunbookGauges: Sendable, Hashable {
    /// The figures of one runbook.
    public struct Runbook: Sendable, Hashable {
        /// Keys in each phase (every phase present, 0 when none).
        public var keys: [RunbookKeyPhase: Int] = Dictionary(
            uniqueKeysWithValues: RunbookKeyPhase.allCases.map { ($0, 0) })
        /// Incidents open now.
        public var openIncidents = 0
        /// Executions scheduled and not claimed yet.
        public var waiting = 0
        /// How far past its due time the most overdue unclaimed execution is, in seconds (0 when none).
        public var overdueSeconds = 0.0
        /// How long the longest-running execution has been running, in seconds (0 when none).
        public var runningSeconds = 0.0
        /// Suppressed executions ever recorded, by reason.
        public var suppressed: [SuppressionReason: Int] = [:]
        /// When the last successful, non-dry-run execution of each kind ended, in seconds since the epoch.
        public var lastSuccess: [ExecutionKind: Double] = [:]
        /// Whether the runbook is paused.
        public var paused = false
    }

    /// By runbook name: the configured runbooks, and any other that still has rows.
    public var runbooks: [String: Runbook]
    /// The database file and its write-ahead log, in bytes.
    public var databaseBytes: Int64
}

extension RunbookGauges {
    // Both statements read history that is never pruned (executions are kept), at every scrape. A `GROUP BY` over
    // the executions table sorts every matching row in a temporary B-tree first; with 12,000 succeeded executions
    // (a 34-minute soak) that sort took 10 ms and a 2 MiB buffer per scrape, and the allocator kept about 7 MiB of
    // freed heap from then on. Each statement names its index (`executions_succeeded`, `executions_suppressed`,
    // migration v8), so neither ever sorts; `RunbookGaugeTests` holds the plans.

    /// The last successful, non-dry-run execution of each runbook and kind: the runbooks that have one are found
    /// by skipping through the index (one seek each), then each kind's latest is one seek more. The cost follows
    /// the number of runbooks, not of executions.
    static let lastSuccessSQL = """
        WITH RECURSIVE names(runbook) AS (
            SELECT min(runbook) FROM executions INDEXED BY executions_succeeded
            WHERE state = 'succeeded' AND dry_run = 0
            UNION ALL
            SELECT (
                SELECT min(runbook) FROM executions INDEXED BY executions_succeeded
                WHERE state = 'succeeded' AND dry_run = 0 AND runbook > names.runbook)
            FROM names WHERE names.runbook IS NOT NULL
        ),
        kinds(kind) AS (\(ExecutionKind.allCases.map { "SELECT '\($0.rawValue)'" }.joined(separator: " UNION ALL ")))
        SELECT names.runbook, kinds.kind, (
            SELECT max(finished_at_ms) FROM executions INDEXED BY executions_succeeded
            WHERE state = 'succeeded' AND dry_run = 0 AND runbook = names.runbook AND kind = kinds.kind
        ) AS finished
        FROM names, kinds WHERE names.runbook IS NOT NULL
        """

    /// Suppressed executions by runbook and reason: counted along their own index, in its order (no sort). The
    /// count reads one index entry per suppressed execution ever recorded, and nothing else.
    static let suppressedCountsSQL = """
        SELECT runbook, suppressed_reason, count(*) AS n FROM executions INDEXED BY executions_suppressed
        WHERE state = 'suppressed' AND suppressed_reason IS NOT NULL GROUP BY runbook, suppressed_reason
        """
}

extension StateStore {
    /// The gauges of `configured` runbooks (each present even without rows) at `now` (milliseconds).
    public func runbookGauges(configured: [String], now: Int64) async throws(StoreError) -> RunbookGauges {
        let path = path
        return try await read { db in
            var runbooks: [String: RunbookGauges.Runbook] = [:]
            for name in configured { runbooks[name] = RunbookGauges.Runbook() }
            func update(_ name: String, _ change: (inout RunbookGauges.Runbook) -> Void) {
                change(&runbooks[name, default: RunbookGauges.Runbook()])
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT runbook, phase, count(*) AS n FROM runbook_keys GROUP BY runbook, phase")
            {
                guard let phase = RunbookKeyPhase(rawValue: row["phase"]) else { continue }
                update(row["runbook"]) { $0.keys[phase] = row["n"] }
            }
            for row in try Row.fetchAll(
                db, sql: "SELECT runbook, count(*) AS n FROM incidents WHERE state = 'open' GROUP BY runbook")
            {
                update(row["runbook"]) { $0.openIncidents = row["n"] }
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT runbook,
                        sum(state = 'scheduled' OR (state = 'running' AND claim_owner IS NULL)) AS waiting,
                        max(CASE WHEN (state = 'scheduled' OR claim_owner IS NULL) AND due_at_ms < :now
                            THEN :now - due_at_ms ELSE 0 END) AS overdue_ms,
                        max(CASE WHEN state = 'running' AND started_at_ms IS NOT NULL
                            THEN :now - started_at_ms ELSE 0 END) AS running_ms
                    FROM executions WHERE state IN ('scheduled', 'running') GROUP BY runbook
                    """, arguments: ["now": now])
            {
                update(row["runbook"]) { gauges in
                    gauges.waiting = row["waiting"]
                    gauges.overdueSeconds = Double(row["overdue_ms"] as Int64) / 1000
                    gauges.runningSeconds = Double(row["running_ms"] as Int64) / 1000
                }
            }
            for row in try Row.fetchAll(db, sql: RunbookGauges.suppressedCountsSQL) {
                guard let reason = SuppressionReason(rawValue: row["suppressed_reason"]) else { continue }
                update(row["runbook"]) { $0.suppressed[reason] = row["n"] }
            }
            for row in try Row.fetchAll(db, sql: RunbookGauges.lastSuccessSQL) {
                guard let kind = ExecutionKind(rawValue: row["kind"]), let finished = row["finished"] as Int64? else {
                    continue
                }
                update(row["runbook"]) { $0.lastSuccess[kind] = Double(finished) / 1000 }
            }
            for name in try String.fetchAll(db, sql: "SELECT runbook FROM runbook_pauses") {
                update(name) { $0.paused = true }
            }
            var bytes: Int64 = 0
            for file in [path, path + "-wal"] {
                let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value
                bytes += size ?? 0
            }
            return RunbookGauges(runbooks: runbooks, databaseBytes: bytes)
        }
    }
}
