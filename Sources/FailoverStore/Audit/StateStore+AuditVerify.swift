import FailoverCore
import GRDB
import GRDBSQLite

extension StateStore {
    /// Walks the audit chain in id order and reports "intact, N events" or the first broken link.
    ///
    /// Events are read in batches of `batchSize`, each in a short read transaction of its own (writers are never
    /// held up and memory stays flat); events appended after the walk started are left for the next run. The
    /// retention checkpoints are read first, because they come after the events they account for.
    public func verifyAuditLog(batchSize: Int = 20_000) async throws(StoreError) -> AuditVerification {
        let batchSize = max(1, batchSize)
        do {
            let (checkpoints, lastID, sequence) = try await pool.read { db in
                var checkpoints: [AuditRetentionCheckpoint] = []
                let statement = try db.cachedStatement(
                    sql: """
                        SELECT \(AuditSQLite.columns) FROM audit_events INDEXED BY audit_events_type
                        WHERE type = ? AND type != 'webhook.received' ORDER BY id
                        """)
                sqlite3_reset(statement.sqliteStatement)
                AuditSQLite.bind(AuditEventType.retentionCheckpoint.rawValue, at: 1, of: statement.sqliteStatement)
                // An unreadable checkpoint row is skipped here; the walk reports it at its id.
                try Self.stepRows(statement) { row in
                    if case .event(let event) = row, let checkpoint = AuditRetentionCheckpoint(event: event) {
                        checkpoints.append(checkpoint)
                    }
                }
                let lastID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit_events") ?? 0
                let sequence = try Int64.fetchOne(
                    db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'")
                return (checkpoints, lastID, sequence ?? lastID)
            }
            var verifier = AuditChainVerifier(checkpoints: checkpoints)
            var after: Int64 = 0
            while after < lastID && !verifier.hasFoundBreak {
                let start = after
                let (next, advanced) = try await pool.read { [verifier] db in
                    var verifier = verifier
                    let statement = try db.cachedStatement(
                        sql: """
                            SELECT \(AuditSQLite.columns) FROM audit_events
                            WHERE id > ? AND id <= ? ORDER BY id LIMIT ?
                            """)
                    let handle = statement.sqliteStatement
                    sqlite3_reset(handle)
                    AuditSQLite.bind(start, at: 1, of: handle)
                    AuditSQLite.bind(lastID, at: 2, of: handle)
                    AuditSQLite.bind(Int64(batchSize), at: 3, of: handle)
                    defer { sqlite3_reset(handle) }
                    var last = start
                    while !verifier.hasFoundBreak {
                        let code = sqlite3_step(handle)
                        if code == SQLITE_DONE { break }
                        guard code == SQLITE_ROW else { throw AuditSQLite.error(code, on: sqlite3_db_handle(handle)) }
                        last = sqlite3_column_int64(handle, 0)
                        switch AuditSQLite.decode(handle) {
                        case .event(let event): verifier.consume(event)
                        case .unreadable(let id, let reason): verifier.recordUnreadable(id: id, reason: reason)
                        }
                    }
                    return (verifier, last)
                }
                verifier = next
                if advanced == after { break }
                after = advanced
            }
            return verifier.finish(lastAssignedID: sequence)
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }
}
