import FailoverCore
import GRDB
import GRDBSQLite
import Synchronization

/// Appends events to the audit log inside the caller's transaction, so that a state change and its audit
/// entry commit together or not at all.
///
/// Each append gives the event the next id, raises its time to the previous event's when the clock went back,
/// and links it to the previous event's hash. The last event is cached in memory and read from the table on
/// first use, so a restart continues the chain. The cache is checked at no extra statement: SQLite assigns the
/// id (`AUTOINCREMENT`: the highest id ever used plus one), and when that is not the id the cache expected
/// (another connection or writer appended, a savepoint rolled an append back), the writer rereads the event
/// before it and rewrites the new row's time and hash. A rolled-back transaction clears the cache (a GRDB
/// transaction observer, registered once per transaction). An earlier version checked the cached tail inside the
/// insert (`INSERT … SELECT … WHERE`); SQLite then stages every row in a temporary table, which cost more than
/// the rest of the append together.
///
/// Statements are prepared once per connection and bound through SQLite's C API, and the encoding buffer is
/// reused: an append allocates nothing of its own (a transaction allocates its small observer). A writer belongs to one connection at a time and is not
/// thread-safe: keep it with the code that owns the write connection (as ``IngestWriter`` keeps its statements)
/// and release it inside write access before closing the store, because its prepared statements must be
/// finalized on the connection's queue.
public final class AuditWriter {
    private struct Tail {
        var lastID: Int64?
        var lastHash: AuditHash?
        var lastTime: Int64
        var nextID: Int64
    }

    /// The statements, prepared on one connection.
    private struct Statements {
        var connection: OpaquePointer?
        var insert: Statement
        var readTail: Statement
        var readBefore: Statement
        var rewrite: Statement
    }

    private var statements: Statements?
    private var tail: Tail?
    private var transaction: AuditTransactionMark?
    private var buffer: [UInt8] = []

    /// Creates a writer; it prepares its statements on the first append.
    public init() {
        buffer.reserveCapacity(1024)
    }

    /// Appends one event and returns it with its id and hash. Starts (and commits) a transaction of its own
    /// when `db` is not inside one.
    public func append(_ draft: AuditEventDraft, in db: Database) throws -> AuditEvent {
        guard db.isInsideTransaction else {
            var event: AuditEvent?
            try db.inTransaction(.immediate) {
                event = try appendInTransaction(draft, db)
                return .commit
            }
            return event!
        }
        return try appendInTransaction(draft, db)
    }

    /// Forgets the cached last event, so that the next append rereads it.
    public func invalidateCache() {
        tail = nil
    }

    private func appendInTransaction(_ draft: AuditEventDraft, _ db: Database) throws -> AuditEvent {
        let statements = try prepare(db)
        watchTransaction(db)
        let tail = try self.tail ?? loadTail(statements)
        var event = AuditEvent(
            draft: draft, id: tail.nextID, previous: tail.lastHash ?? .genesis, notBefore: tail.lastTime,
            buffer: &buffer)
        let connection = statements.connection
        let handle = statements.insert.sqliteStatement
        sqlite3_clear_bindings(handle)
        AuditSQLite.bind(event.recordedAtMilliseconds, at: 1, of: handle)
        AuditSQLite.bind(event.type.rawValue, at: 2, of: handle)
        AuditSQLite.bind(event.actor, at: 3, of: handle)
        AuditSQLite.bind(event.outcome.rawValue, at: 4, of: handle)
        AuditSQLite.bind(event.episode, at: 5, of: handle)
        AuditSQLite.bind(event.execution, at: 6, of: handle)
        AuditSQLite.bind(event.runbook, at: 7, of: handle)
        AuditSQLite.bind(event.fingerprint, at: 8, of: handle)
        AuditSQLite.bind(event.alertname, at: 9, of: handle)
        AuditSQLite.bind(event.detail.json, at: 10, of: handle)
        AuditSQLite.bind(event.hash, at: 11, of: handle)
        try AuditSQLite.run(handle, on: connection)
        let assigned = sqlite3_last_insert_rowid(connection)
        if assigned != event.id {
            event = try relink(draft, at: assigned, statements)
        }
        self.tail = Tail(
            lastID: event.id, lastHash: event.hash, lastTime: event.recordedAtMilliseconds, nextID: event.id + 1)
        return event
    }

    /// Recomputes the row SQLite placed at `id` against the event before it, when the cache was out of date.
    private func relink(_ draft: AuditEventDraft, at id: Int64, _ statements: Statements) throws -> AuditEvent {
        let connection = statements.connection
        let readBefore = statements.readBefore.sqliteStatement
        let rewrite = statements.rewrite.sqliteStatement
        sqlite3_reset(readBefore)
        AuditSQLite.bind(id, at: 1, of: readBefore)
        var previous = AuditHash.genesis
        var floor = Int64.min
        let code = sqlite3_step(readBefore)
        if code == SQLITE_ROW {
            guard let hash = AuditSQLite.hash(readBefore, 1) else {
                sqlite3_reset(readBefore)
                throw AuditLogError.unreadableTail(id: sqlite3_column_int64(readBefore, 0))
            }
            previous = hash
            floor = sqlite3_column_int64(readBefore, 2)
        }
        sqlite3_reset(readBefore)
        guard code == SQLITE_ROW || code == SQLITE_DONE else { throw AuditSQLite.error(code, on: connection) }
        let event = AuditEvent(draft: draft, id: id, previous: previous, notBefore: floor, buffer: &buffer)
        sqlite3_clear_bindings(rewrite)
        AuditSQLite.bind(event.recordedAtMilliseconds, at: 1, of: rewrite)
        AuditSQLite.bind(event.hash, at: 2, of: rewrite)
        AuditSQLite.bind(id, at: 3, of: rewrite)
        try AuditSQLite.run(rewrite, on: connection)
        return event
    }

    /// Registers, once per transaction, an observer that forgets the cache if the transaction rolls back.
    private func watchTransaction(_ db: Database) {
        if let transaction, !transaction.hasEnded { return }
        if transaction?.wasRolledBack == true { tail = nil }
        let mark = AuditTransactionMark()
        transaction = mark
        db.afterNextTransaction(
            onCommit: { _ in mark.end(rolledBack: false) }, onRollback: { _ in mark.end(rolledBack: true) })
    }

    private func prepare(_ db: Database) throws -> Statements {
        if let statements, statements.connection == db.sqliteConnection { return statements }
        tail = nil
        transaction = nil
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO audit_events (recorded_at_ms, type, actor, outcome, episode_id, execution_id,
                    runbook, fingerprint, alertname, detail, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let readTail = try db.makeStatement(
            sql: """
                SELECT (SELECT id FROM audit_events ORDER BY id DESC LIMIT 1),
                    (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1),
                    (SELECT recorded_at_ms FROM audit_events ORDER BY id DESC LIMIT 1),
                    (SELECT seq FROM sqlite_sequence WHERE name = 'audit_events')
                """)
        let readBefore = try db.makeStatement(
            sql: "SELECT id, hash, recorded_at_ms FROM audit_events WHERE id < ? ORDER BY id DESC LIMIT 1")
        let rewrite = try db.makeStatement(sql: "UPDATE audit_events SET recorded_at_ms = ?, hash = ? WHERE id = ?")
        let statements = Statements(
            connection: db.sqliteConnection, insert: insert, readTail: readTail, readBefore: readBefore,
            rewrite: rewrite)
        self.statements = statements
        return statements
    }

    private func loadTail(_ statements: Statements) throws -> Tail {
        let handle = statements.readTail.sqliteStatement
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_ROW else { throw AuditSQLite.error(code, on: statements.connection) }
        let lastID = AuditSQLite.int(handle, 0)
        let sequence = AuditSQLite.int(handle, 3) ?? 0
        var lastHash: AuditHash?
        if let lastID {
            guard let hash = AuditSQLite.hash(handle, 1) else { throw AuditLogError.unreadableTail(id: lastID) }
            lastHash = hash
        }
        return Tail(
            lastID: lastID, lastHash: lastHash, lastTime: AuditSQLite.int(handle, 2) ?? .min,
            nextID: max(lastID ?? 0, sequence) + 1)
    }
}

/// Whether the transaction an ``AuditWriter`` last appended in has ended, and how.
private final class AuditTransactionMark: Sendable {
    private let state = Mutex<(ended: Bool, rolledBack: Bool)>((false, false))

    var hasEnded: Bool { state.withLock { $0.ended } }
    var wasRolledBack: Bool { state.withLock { $0.rolledBack } }

    func end(rolledBack: Bool) {
        state.withLock { $0 = (true, rolledBack) }
    }
}
