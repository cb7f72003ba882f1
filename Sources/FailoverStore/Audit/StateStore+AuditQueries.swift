import FailoverCore
import GRDB
import GRDBSQLite

extension StateStore {
    /// One page of the events `query` selects, newest first; pass ``AuditPage/next`` as the next query's cursor.
    /// Pages stay stable while events are appended (the cursor is an id; new events have larger ones).
    public func auditPage(_ query: AuditQuery) async throws(StoreError) -> AuditPage {
        try await pool.auditEventPage(query)
    }

    /// The event with this id, `nil` when there is none.
    public func auditEvent(id: Int64) async throws(StoreError) -> AuditEvent? {
        do {
            return try await pool.read { db in
                let statement = try db.cachedStatement(
                    sql: "SELECT \(AuditSQLite.columns) FROM audit_events WHERE id = ?")
                sqlite3_reset(statement.sqliteStatement)
                AuditSQLite.bind(id, at: 1, of: statement.sqliteStatement)
                var event: AuditEvent?
                try Self.step(statement) { event = $0 }
                return event
            }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// Streams every event `query` selects, newest first, to `body`, one at a time, from a single read
    /// transaction (a consistent snapshot); nothing is collected, so memory stays flat however large the
    /// selection. `query.limit` is ignored: pass `limit` to cap the export. Runs on the calling thread; encode
    /// each event with ``AuditEvent/appendNDJSONLine(to:)`` or ``AuditEvent/appendCSVRecord(to:)``.
    ///
    /// - Throws: what `body` throws, unchanged, or ``StoreError`` when reading fails.
    public func exportAuditEvents(
        _ query: AuditQuery, limit: Int? = nil, _ body: (AuditEvent) throws -> Void
    ) throws {
        var bodyError: (any Error)?
        do {
            try pool.read { db in
                guard let bounds = try AuditSelection.idBounds(of: query, in: db) else { return }
                let selection = AuditSelection(query, lowerID: bounds.lower, upperID: bounds.upper, limit: limit)
                try Self.step(selection.statement(in: db)) { event in
                    do {
                        try body(event)
                    } catch {
                        bodyError = error
                        throw error
                    }
                }
            }
        } catch {
            if let bodyError { throw bodyError }
            throw StoreError.queryFailed(String(describing: error))
        }
    }

    /// Appends one event in a transaction of its own (service start and stop, configuration loads, manual
    /// actions: anything not already inside a write). The webhook path appends inside its own transaction with
    /// an ``AuditWriter`` instead.
    public func appendAuditEvent(_ draft: AuditEventDraft) async throws(StoreError) -> AuditEvent {
        do {
            return try await pool.write { db in try AuditWriter().append(draft, in: db) }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// Steps a bound statement to the end, decoding each row; a row that is not a readable event throws.
    static func step(_ statement: Statement, _ body: (AuditEvent) throws -> Void) throws {
        try stepRows(statement) { row in
            switch row {
            case .event(let event): try body(event)
            case .unreadable(let id, let reason): throw StoreError.queryFailed("audit event \(id): \(reason)")
            }
        }
    }

    /// Steps a bound statement to the end, handing over each row as read.
    static func stepRows(_ statement: Statement, _ body: (AuditSQLite.Decoded) throws -> Void) throws {
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw AuditSQLite.error(code, on: sqlite3_db_handle(handle)) }
            try body(AuditSQLite.decode(handle))
        }
    }
}
