import FailoverCore
import GRDB
import GRDBSQLite

extension StateStore {
    /// Signs the chain's head with `key` and stores the signed head, unless the newest signed head already names
    /// this head (same id and hash) with this key: the head did not move. One write transaction, so the head
    /// signed is the one stored.
    ///
    /// - Parameter now: the signing time in milliseconds since the epoch.
    /// - Returns: the new signed head, or `nil` when the log is empty or the head did not move.
    public func signAuditHead(with key: AuditSigningKey, now: Int64) async throws(StoreError) -> AuditSignedHead? {
        do {
            return try await pool.write { db in
                guard let head = try Self.auditHead(in: db), let hash = head.hash else { return nil }
                if let last = try Self.lastSignedAuditHead(in: db), last.headID == head.id, last.headHash == hash,
                    last.keyID == key.keyID
                {
                    return nil
                }
                let signed = try key.sign(headID: head.id, headHash: hash, now: now)
                try AuditSQLite.insert(signed, in: db)
                return signed
            }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// The chain's head as stored (the newest event's id and hash), `nil` for an empty log; not verified.
    public func auditHead() async throws(StoreError) -> AuditAnchor? {
        do {
            return try await pool.read { db in try Self.auditHead(in: db) }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// The newest signed head as stored, `nil` when there is none; its signature is not checked.
    public func lastSignedAuditHead() async throws(StoreError) -> AuditSignedHead? {
        do {
            return try await pool.read { db in try Self.lastSignedAuditHead(in: db) }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    static func auditHead(in db: Database) throws -> AuditAnchor? {
        try firstRow("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1", in: db) { handle in
            AuditAnchor(id: sqlite3_column_int64(handle, 0), hash: AuditSQLite.hash(handle, 1))
        }
    }

    static func lastSignedAuditHead(in db: Database) throws -> AuditSignedHead? {
        try firstRow(
            "SELECT \(AuditSQLite.signedHeadColumns) FROM audit_signed_heads ORDER BY id DESC LIMIT 1", in: db,
            AuditSQLite.decodeSignedHead)
    }

    /// The first row of `sql` (no arguments) read by `decode`, `nil` when there is none.
    private static func firstRow<T>(
        _ sql: String, in db: Database, _ decode: (OpaquePointer) -> T
    ) throws -> T? {
        let handle = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw AuditSQLite.error(code, on: db.sqliteConnection) }
        return decode(handle)
    }
}
