import FailoverCore
import GRDB
import GRDBSQLite

/// The SQL of an ``AuditQuery``: filters as bound parameters (never spliced), time bounds turned into id bounds,
/// and the one index that serves the most selective filter.
///
/// Time never decreases along ids (the writer sees to it), so `since` and `until` become the first ids at or after
/// those times, found in the time index, and every page is a range of ids: a filter's `(column, id)` index, or
/// the table itself without filters, is read backwards from the upper bound and stops after `limit` rows. The
/// index is named explicitly, by selectivity (an execution, a fingerprint, a runbook, an alert name, then a type,
/// then an outcome), instead of leaving the choice to the planner, which has no statistics to tell a runbook
/// from a type. `webhook.received` and `success` are not indexed (most events have them): a filter on them alone
/// scans the table backwards, where nearly every row matches.
struct AuditSelection: Sendable {
    enum Value: Sendable {
        case integer(Int64)
        case text(String)
    }

    /// The type `audit_events_type` leaves out: most of the log, found by scanning the table backwards.
    static let unindexedType = AuditEventType.webhookReceived
    /// The outcome `audit_events_outcome` leaves out, for the same reason.
    static let unindexedOutcome = AuditOutcome.success

    /// The query's text.
    let sql: String
    /// The parameters, in order.
    let values: [Value]

    /// The selection of `query` between id bounds (`lowerID` inclusive, `upperID` exclusive), newest first,
    /// with at most `limit` rows when given.
    init(_ query: AuditQuery, lowerID: Int64?, upperID: Int64?, limit: Int?) {
        var conditions: [String] = []
        var values: [Value] = []
        var index: String?
        func filter(_ column: String, _ value: Value?, index name: String) {
            guard let value else { return }
            conditions.append("\(column) = ?")
            values.append(value)
            if index == nil { index = name }
        }
        filter("execution_id", query.execution.map { .integer($0) }, index: "audit_events_execution")
        filter("fingerprint", query.fingerprint.map { .text($0) }, index: "audit_events_fingerprint")
        filter("runbook", query.runbook.map { .text($0) }, index: "audit_events_runbook")
        filter("alertname", query.alertname.map { .text($0) }, index: "audit_events_alertname")
        // The type and outcome indexes leave out the bulk values; their terms make the partial index usable.
        if let type = query.type {
            if type == Self.unindexedType {
                conditions.append("type = ?")
                values.append(.text(type.rawValue))
            } else {
                filter("type", .text(type.rawValue), index: "audit_events_type")
                conditions.append("type != '\(Self.unindexedType.rawValue)'")
            }
        }
        if let outcome = query.outcome {
            if outcome == Self.unindexedOutcome {
                conditions.append("outcome = ?")
                values.append(.text(outcome.rawValue))
            } else {
                filter("outcome", .text(outcome.rawValue), index: "audit_events_outcome")
                conditions.append("outcome != '\(Self.unindexedOutcome.rawValue)'")
            }
        }
        if let lowerID {
            conditions.append("id >= ?")
            values.append(.integer(lowerID))
        }
        if let upperID {
            conditions.append("id < ?")
            values.append(.integer(upperID))
        }
        var sql = "SELECT \(AuditSQLite.columns) FROM audit_events"
        if let index { sql += " INDEXED BY \(index)" }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY id DESC"
        if let limit {
            sql += " LIMIT ?"
            values.append(.integer(Int64(limit)))
        }
        self.sql = sql
        self.values = values
    }

    /// Prepares (from the connection's cache) and binds the statement.
    func statement(in db: Database) throws -> Statement {
        let statement = try db.cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            switch value {
            case .integer(let number): AuditSQLite.bind(number, at: Int32(offset + 1), of: handle)
            case .text(let text): AuditSQLite.bind(text, at: Int32(offset + 1), of: handle)
            }
        }
        return statement
    }

    /// The id bounds of `query` in `db`: `nil` when its time range holds no event.
    static func idBounds(of query: AuditQuery, in db: Database) throws -> (lower: Int64?, upper: Int64?)? {
        var lower: Int64?
        var upper = query.cursor?.beforeID
        if let since = query.since {
            guard let id = try firstID(atOrAfter: since, in: db) else { return nil }
            lower = id
        }
        if let until = query.until, let id = try firstID(atOrAfter: until, in: db) {
            upper = min(upper ?? id, id)
        }
        if let lower, let upper, lower >= upper { return nil }
        return (lower, upper)
    }

    private static func firstID(atOrAfter milliseconds: Int64, in db: Database) throws -> Int64? {
        try Int64.fetchOne(
            db,
            sql: """
                SELECT id FROM audit_events INDEXED BY audit_events_time
                WHERE recorded_at_ms >= ? ORDER BY recorded_at_ms, id LIMIT 1
                """, arguments: [milliseconds])
    }
}
