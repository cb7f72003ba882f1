import FailoverCore
import GRDB
import GRDBSQLite

/// Binding and reading audit rows through SQLite's C API: the audit writer runs inside the webhook group commit
/// and verification reads every row, so both skip GRDB's boxed `StatementArguments` and `Row`.
enum AuditSQLite {
    /// The columns of an event, in the order ``decode(_:)`` reads them.
    static let columns = """
        id, recorded_at_ms, type, actor, outcome, episode_id, execution_id, runbook, fingerprint, alertname, \
        detail, hash
        """

    static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func bind(_ value: Int64?, at index: Int32, of statement: OpaquePointer) {
        if let value { sqlite3_bind_int64(statement, index, value) } else { sqlite3_bind_null(statement, index) }
    }

    static func bind(_ value: String?, at index: Int32, of statement: OpaquePointer) {
        guard var value else {
            sqlite3_bind_null(statement, index)
            return
        }
        value.withUTF8 { bytes in
            _ = sqlite3_bind_text(statement, index, bytes.baseAddress, Int32(bytes.count), transient)
        }
    }

    static func bind(_ value: AuditHash?, at index: Int32, of statement: OpaquePointer) {
        guard let value else {
            sqlite3_bind_null(statement, index)
            return
        }
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), transient)
        }
    }

    static func int(_ statement: OpaquePointer, _ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
    }

    static func text(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    static func hash(_ statement: OpaquePointer, _ column: Int32) -> AuditHash? {
        guard sqlite3_column_type(statement, column) == SQLITE_BLOB,
            let pointer = sqlite3_column_blob(statement, column)
        else { return nil }
        return AuditHash(
            bytes: UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(statement, column))))
    }

    /// A row read as an event, or why it cannot be.
    enum Decoded {
        case event(AuditEvent)
        case unreadable(id: Int64, reason: String)
    }

    /// The event in the current row (selected with ``columns``), or why it cannot be read.
    static func decode(_ statement: OpaquePointer) -> Decoded {
        let id = sqlite3_column_int64(statement, 0)
        let typeText = text(statement, 2) ?? ""
        guard let type = AuditEventType(rawValue: typeText) else {
            return .unreadable(id: id, reason: "unknown type '\(typeText)'")
        }
        let outcomeText = text(statement, 4) ?? ""
        guard let outcome = AuditOutcome(rawValue: outcomeText) else {
            return .unreadable(id: id, reason: "unknown outcome '\(outcomeText)'")
        }
        guard let hash = hash(statement, 11) else {
            return .unreadable(id: id, reason: "hash is not 32 bytes")
        }
        return .event(
            AuditEvent(
                id: id, recordedAtMilliseconds: sqlite3_column_int64(statement, 1), type: type,
                actor: text(statement, 3) ?? "", outcome: outcome, episode: int(statement, 5),
                execution: int(statement, 6), runbook: text(statement, 7), fingerprint: text(statement, 8),
                alertname: text(statement, 9), detail: AuditDetail(storedJSON: text(statement, 10) ?? ""),
                hash: hash))
    }

    /// Steps a statement that returns no rows and resets it.
    static func run(_ statement: OpaquePointer, on connection: OpaquePointer?) throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else { throw error(code, on: connection) }
    }

    /// The error SQLite reports for `code`.
    static func error(_ code: Int32, on connection: OpaquePointer?) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code),
            message: connection.map { String(cString: sqlite3_errmsg($0)) } ?? "SQLite error \(code)")
    }
}
