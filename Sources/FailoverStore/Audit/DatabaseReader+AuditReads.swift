import FailoverCore
import GRDB
import GRDBSQLite

/// The audit trail's reads over any GRDB connection, a read-only one included (``ReadOnlyStateStore``).
///
/// They answer exactly as ``StateStore/auditPage(_:)`` and ``StateStore/verifyAuditLog(batchSize:)`` do, with
/// the same statements and the same batching; nothing here writes.
extension DatabaseReader {
    /// One page of the events `query` selects, newest first, with the cursor of the next page.
    func auditEventPage(_ query: AuditQuery) async throws(StoreError) -> AuditPage {
        let limit = min(max(query.limit, AuditQuery.limitRange.lowerBound), AuditQuery.limitRange.upperBound)
        do {
            return try await read { db in
                guard let bounds = try AuditSelection.idBounds(of: query, in: db) else {
                    return AuditPage(events: [], next: nil)
                }
                // One event more than the page holds tells whether another page follows.
                let selection = AuditSelection(query, lowerID: bounds.lower, upperID: bounds.upper, limit: limit + 1)
                var events: [AuditEvent] = []
                try StateStore.step(selection.statement(in: db)) { events.append($0) }
                if events.count <= limit { return AuditPage(events: events, next: nil) }
                events.removeLast()
                return AuditPage(events: events, next: events.last.map { AuditCursor(beforeID: $0.id) })
            }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// Walks the hash chain in id order, `batchSize` events per short read transaction, and reports it intact
    /// or its first broken link. Events appended after the walk began are left for the next walk, and so are heads
    /// signed after it began.
    ///
    /// With `publicKeys`, the signed heads whose ids fall in a batch are read in the batch's transaction, before
    /// its events, and checked where the walk reaches them; of the heads beyond the last event, the first is
    /// read at the end (it proves a lost tail). Memory holds one batch of events and heads, whatever the log's
    /// size.
    func auditChainVerification(
        batchSize: Int, anchor: AuditAnchor? = nil, publicKeys: [AuditVerifyingKey] = []
    ) async throws(StoreError) -> AuditVerification {
        let batchSize = Int64(max(1, batchSize))
        let checksHeads = !publicKeys.isEmpty
        do {
            // Retention checkpoints come after the events they account for: read them all before walking.
            let (checkpoints, lastID, sequence, lastHeadRow) = try await read { db in
                let statement = try db.cachedStatement(
                    sql: """
                        SELECT \(AuditSQLite.columns) FROM audit_events INDEXED BY audit_events_type
                        WHERE type = ? AND type != 'webhook.received' ORDER BY id
                        """)
                sqlite3_reset(statement.sqliteStatement)
                AuditSQLite.bind(AuditEventType.retentionCheckpoint.rawValue, at: 1, of: statement.sqliteStatement)
                var checkpoints: [AuditRetentionCheckpoint] = []
                // An unreadable checkpoint is left to the walk, which reports it where it stands.
                try StateStore.stepRows(statement) { row in
                    guard case .event(let event) = row, let checkpoint = AuditRetentionCheckpoint(event: event) else {
                        return
                    }
                    checkpoints.append(checkpoint)
                }
                let lastID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit_events") ?? 0
                let sequence = try Int64.fetchOne(
                    db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'")
                let lastHeadRow =
                    checksHeads ? try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit_signed_heads") ?? 0 : 0
                return (checkpoints, lastID, sequence ?? lastID, lastHeadRow)
            }
            var verifier = AuditChainVerifier(checkpoints: checkpoints, anchor: anchor, publicKeys: publicKeys)
            var walkedThrough: Int64 = 0
            while walkedThrough < lastID && !verifier.hasFoundBreak {
                let start = walkedThrough
                let (advanced, reached) = try await read { [verifier] db in
                    var verifier = verifier
                    let upper =
                        try Int64.fetchOne(
                            db,
                            sql: """
                                SELECT max(id) FROM (
                                    SELECT id FROM audit_events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?)
                                """, arguments: [start, lastID, batchSize]) ?? lastID
                    if checksHeads {
                        try Self.feedSignedHeads(
                            after: start, through: upper, rowsThrough: lastHeadRow, limit: nil, to: &verifier, in: db)
                    }
                    let statement = try db.cachedStatement(
                        sql: "SELECT \(AuditSQLite.columns) FROM audit_events WHERE id > ? AND id <= ? ORDER BY id")
                    let handle = statement.sqliteStatement
                    sqlite3_reset(handle)
                    defer { sqlite3_reset(handle) }
                    AuditSQLite.bind(start, at: 1, of: handle)
                    AuditSQLite.bind(upper, at: 2, of: handle)
                    while !verifier.hasFoundBreak {
                        let code = sqlite3_step(handle)
                        if code == SQLITE_DONE { break }
                        guard code == SQLITE_ROW else { throw AuditSQLite.error(code, on: sqlite3_db_handle(handle)) }
                        switch AuditSQLite.decode(handle) {
                        case .event(let event): verifier.consume(event)
                        case .unreadable(let id, let reason): verifier.recordUnreadable(id: id, reason: reason)
                        }
                    }
                    return (verifier, upper)
                }
                verifier = advanced
                if reached <= walkedThrough { break }
                walkedThrough = reached
            }
            if checksHeads && !verifier.hasFoundBreak {
                verifier = try await read { [verifier, walkedThrough] db in
                    var verifier = verifier
                    try Self.feedSignedHeads(
                        after: walkedThrough, through: .max, rowsThrough: lastHeadRow, limit: 1, to: &verifier, in: db)
                    return verifier
                }
            }
            return verifier.finish(lastAssignedID: sequence)
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// Feeds the signed heads of ids `after + 1 ... through` (rows up to `rowsThrough`, at most `limit`) in head id
    /// order.
    private static func feedSignedHeads(
        after: Int64, through: Int64, rowsThrough: Int64, limit: Int64?, to verifier: inout AuditChainVerifier,
        in db: Database
    ) throws {
        let statement = try db.cachedStatement(
            sql: """
                SELECT \(AuditSQLite.signedHeadColumns) FROM audit_signed_heads
                WHERE head_id > ? AND head_id <= ? AND id <= ? ORDER BY head_id, id LIMIT ?
                """)
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        AuditSQLite.bind(after, at: 1, of: handle)
        AuditSQLite.bind(through, at: 2, of: handle)
        AuditSQLite.bind(rowsThrough, at: 3, of: handle)
        AuditSQLite.bind(limit ?? -1, at: 4, of: handle)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw AuditSQLite.error(code, on: sqlite3_db_handle(handle)) }
            verifier.expect(AuditSQLite.decodeSignedHead(handle))
        }
    }
}
