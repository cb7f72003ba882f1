import FailoverCore
import GRDB
import GRDBSQLite

/// Rows of `audit_signed_heads` through SQLite's C API, as the verification walk reads them beside the events.
extension AuditSQLite {
    /// The columns of a signed head, in the order ``decodeSignedHead(_:)`` reads them.
    static let signedHeadColumns = "head_id, head_hash, signed_at_ms, key_id, signature"

    /// The signed head in the current row (selected with ``signedHeadColumns``); a row whose hash is not 32 bytes
    /// keeps an all-zero hash, which no chain computes, so that the walk reports it at its id.
    static func decodeSignedHead(_ statement: OpaquePointer) -> AuditSignedHead {
        var signature: [UInt8] = []
        if let pointer = sqlite3_column_blob(statement, 4) {
            signature = Array(
                UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, 4))))
        }
        return AuditSignedHead(
            headID: sqlite3_column_int64(statement, 0), headHash: hash(statement, 1) ?? .genesis,
            signedAtMilliseconds: sqlite3_column_int64(statement, 2), keyID: text(statement, 3) ?? "",
            signature: signature)
    }

    /// Binds and inserts one signed head.
    static func insert(_ head: AuditSignedHead, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO audit_signed_heads (\(signedHeadColumns)) VALUES (?, ?, ?, ?, ?)")
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        bind(head.headID, at: 1, of: handle)
        bind(head.headHash, at: 2, of: handle)
        bind(head.signedAtMilliseconds, at: 3, of: handle)
        bind(head.keyID, at: 4, of: handle)
        head.signature.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, 5, bytes.baseAddress, Int32(bytes.count), transient)
        }
        try run(handle, on: db.sqliteConnection)
    }
}
