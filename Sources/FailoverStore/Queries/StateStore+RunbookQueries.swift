import FailoverCore
import GRDB

/// A selection of incidents or executions, newest first, in keyset pages (`before`: ids below it).
public struct RunbookRecordQuery: Sendable, Hashable {
    /// Only this runbook's.
    public var runbook: String?
    /// Only in this state (`open`/`closed` for incidents, an ``ExecutionState`` for executions).
    public var state: String?
    /// Only this kind (executions).
    public var kind: ExecutionKind?
    /// Only this incident's (executions).
    public var incident: Int64?
    /// Only ids below this one (the previous page's `next`).
    public var before: Int64?
    /// Page size.
    public var limit: Int

    /// Creates a query.
    public init(
        runbook: String? = nil, state: String? = nil, kind: ExecutionKind? = nil, incident: Int64? = nil,
        before: Int64? = nil, limit: Int = 100
    ) {
        self.runbook = runbook
        self.state = state
        self.kind = kind
        self.incident = incident
        self.before = before
        self.limit = limit
    }
}

extension StateStore {
    /// Every runbook key with state, and the paused runbooks.
    public func runbookKeys() async throws(StoreError) -> (keys: [RunbookKeyView], pauses: [RunbookPauseView]) {
        try await read { db in
            let keys = try Row.fetchAll(db, sql: "SELECT * FROM runbook_keys ORDER BY runbook, key").map(
                RunbookKeyView.init(row:))
            let pauses = try Row.fetchAll(db, sql: "SELECT * FROM runbook_pauses ORDER BY runbook").map { row in
                RunbookPauseView(
                    runbook: row["runbook"], pausedAt: EpisodeRecord.format(milliseconds: row["paused_at_ms"]),
                    pausedBy: row["paused_by"], reason: row["reason"])
            }
            return (keys, pauses)
        }
    }

    /// Incidents, newest first.
    public func incidents(_ query: RunbookRecordQuery) async throws(StoreError) -> [IncidentRecord] {
        try await read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let runbook = query.runbook { conditions.append("runbook = ?"); arguments.append(runbook) }
            if let state = query.state { conditions.append("state = ?"); arguments.append(state) }
            if let before = query.before { conditions.append("id < ?"); arguments.append(before) }
            arguments.append(query.limit)
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM incidents \(filter) ORDER BY id DESC LIMIT ?",
                arguments: StatementArguments(arguments))
            return try rows.map { row in
                let members = try Row.fetchAll(
                    db,
                    sql: "SELECT episode_id, firing FROM incident_episodes WHERE incident_id = ? ORDER BY episode_id",
                    arguments: [row["id"] as Int64]
                ).map { IncidentRecord.Member(episode: $0["episode_id"], firing: $0["firing"]) }
                return IncidentRecord(row: row, members: members)
            }
        }
    }

    /// Executions, newest first (without their steps).
    public func executions(_ query: RunbookRecordQuery) async throws(StoreError) -> [ExecutionRecord] {
        try await read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let runbook = query.runbook { conditions.append("runbook = ?"); arguments.append(runbook) }
            if let state = query.state { conditions.append("state = ?"); arguments.append(state) }
            if let kind = query.kind { conditions.append("kind = ?"); arguments.append(kind.rawValue) }
            if let incident = query.incident { conditions.append("incident_id = ?"); arguments.append(incident) }
            if let before = query.before { conditions.append("id < ?"); arguments.append(before) }
            arguments.append(query.limit)
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM executions \(filter) ORDER BY id DESC LIMIT ?",
                arguments: StatementArguments(arguments)
            ).map { ExecutionRecord(row: $0, steps: nil) }
        }
    }

    /// One execution with its steps in order.
    public func execution(id: Int64) async throws(StoreError) -> ExecutionRecord? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM executions WHERE id = ?", arguments: [id]) else {
                return nil
            }
            let steps = try Row.fetchAll(
                db, sql: "SELECT * FROM execution_steps WHERE execution_id = ? ORDER BY position", arguments: [id]
            ).map(ExecutionStepRecord.init(row:))
            return ExecutionRecord(row: row, steps: steps)
        }
    }

    /// Runs a read on a reader connection, mapping failures to ``StoreError``.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }
}
