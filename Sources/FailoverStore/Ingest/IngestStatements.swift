import FailoverCore
import Foundation
import GRDB
import GRDBSQLite

/// The ingest writer's prepared statements, bound through SQLite's C API.
///
/// GRDB prepares and owns the statements; binding and stepping bypass its `StatementArguments`, whose boxing of
/// every value and SQL-keyed statement cache took more than half of the writer thread's CPU in `make bench`
/// profiles. Only the writer's connection uses them, inside its transactions.
final class IngestStatements {
    private let db: Database
    private let insertDelivery: Statement
    private let findEpisode: Statement
    private let insertEpisode: Statement
    private let resolveEpisode: Statement
    private let countDuplicate: Statement
    private let writeHeartbeat: Statement

    init(_ db: Database) throws {
        self.db = db
        insertDelivery = try db.makeStatement(
            sql: """
                INSERT INTO deliveries (received_at_ms, remote_address, authenticated_as, group_key, receiver, status,
                    alert_count, firing_count, resolved_count, truncated_alerts, body_sha256, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        findEpisode = try db.makeStatement(
            sql: "SELECT id, state FROM episodes WHERE fingerprint = ? AND starts_at = ?")
        insertEpisode = try db.makeStatement(
            sql: """
                INSERT INTO episodes (fingerprint, starts_at, alertname, labels, annotations, generator_url,
                    state, seen_firing, ends_at, opened_at_ms, first_delivery_id, resolved_at_ms,
                    resolved_delivery_id, last_seen_ms, last_delivery_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        resolveEpisode = try db.makeStatement(
            sql: """
                UPDATE episodes SET state = 'resolved', ends_at = ?, resolved_at_ms = ?, resolved_delivery_id = ?,
                    annotations = ?, last_seen_ms = ?, last_delivery_id = ?
                WHERE id = ?
                """)
        countDuplicate = try db.makeStatement(
            sql: """
                UPDATE episodes SET duplicates = duplicates + 1, stale_firings = stale_firings + ?,
                    last_seen_ms = ?, last_delivery_id = ?
                WHERE id = ?
                """)
        writeHeartbeat = try db.makeStatement(
            sql: """
                INSERT INTO service_heartbeat (id, written_at_ms) VALUES (1, ?)
                ON CONFLICT (id) DO UPDATE SET written_at_ms = excluded.written_at_ms
                """)
    }

    /// Stores one delivery and applies each alert to its episode; the caller owns the transaction.
    func apply(_ delivery: PreparedDelivery) throws -> IngestReceipt {
        var bind = Binder(insertDelivery)
        bind.int(delivery.receivedAtMilliseconds)
        bind.text(delivery.remoteAddress)
        bind.text(delivery.authenticatedAs)
        bind.text(delivery.groupKey)
        bind.text(delivery.receiver)
        bind.text(delivery.status.rawValue)
        bind.int(Int64(delivery.alerts.count))
        bind.int(Int64(delivery.firingCount))
        bind.int(Int64(delivery.alerts.count - delivery.firingCount))
        bind.int(Int64(delivery.truncatedAlerts))
        bind.text(delivery.bodySHA256)
        bind.blob(delivery.body)
        try run(insertDelivery)
        let deliveryID = sqlite3_last_insert_rowid(db.sqliteConnection)
        let now = delivery.receivedAtMilliseconds

        var outcomes: [AlertOutcome] = []
        outcomes.reserveCapacity(delivery.alerts.count)
        for alert in delivery.alerts {
            let (existingID, current) = try lookup(fingerprint: alert.fingerprint, startsAt: alert.startsAt)
            let transition = EpisodeTransition.decide(current: current, incoming: alert.status)
            let episodeID: Int64
            switch transition {
            case .opened, .openedResolved:
                let resolved = transition == .openedResolved
                var bind = Binder(insertEpisode)
                bind.text(alert.fingerprint)
                bind.text(alert.startsAt)
                bind.text(alert.alertname)
                bind.text(alert.labelsJSON)
                bind.text(alert.annotationsJSON)
                bind.text(alert.generatorURL)
                bind.text(transition.resultingState.rawValue)
                bind.int(resolved ? 0 : 1)
                bind.text(alert.endsAt)
                bind.int(now)
                bind.int(deliveryID)
                bind.int(resolved ? now : nil)
                bind.int(resolved ? deliveryID : nil)
                bind.int(now)
                bind.int(deliveryID)
                try run(insertEpisode)
                episodeID = sqlite3_last_insert_rowid(db.sqliteConnection)
            case .resolved:
                episodeID = existingID!
                var bind = Binder(resolveEpisode)
                bind.text(alert.endsAt)
                bind.int(now)
                bind.int(deliveryID)
                bind.text(alert.annotationsJSON)
                bind.int(now)
                bind.int(deliveryID)
                bind.int(episodeID)
                try run(resolveEpisode)
            case .duplicateFiring, .duplicateResolved, .staleFiring:
                episodeID = existingID!
                var bind = Binder(countDuplicate)
                bind.int(transition == .staleFiring ? 1 : 0)
                bind.int(now)
                bind.int(deliveryID)
                bind.int(episodeID)
                try run(countDuplicate)
            }
            outcomes.append(
                AlertOutcome(
                    fingerprint: alert.fingerprint, startsAt: alert.startsAt, episodeID: episodeID,
                    transition: transition))
        }
        return IngestReceipt(deliveryID: deliveryID, alerts: outcomes)
    }

    /// Writes the readiness heartbeat.
    func heartbeat(at milliseconds: Int64) throws {
        var bind = Binder(writeHeartbeat)
        bind.int(milliseconds)
        try run(writeHeartbeat)
    }

    private func lookup(fingerprint: String, startsAt: String) throws -> (Int64?, EpisodeState?) {
        let statement = findEpisode.sqliteStatement
        var bind = Binder(findEpisode)
        bind.text(fingerprint)
        bind.text(startsAt)
        defer { sqlite3_reset(statement) }
        switch sqlite3_step(statement) {
        case SQLITE_ROW:
            let id = sqlite3_column_int64(statement, 0)
            let state = sqlite3_column_text(statement, 1).map { EpisodeState(rawValue: String(cString: $0)) } ?? nil
            return (id, state)
        case SQLITE_DONE:
            return (nil, nil)
        case let code:
            throw error(code)
        }
    }

    private func run(_ statement: Statement) throws {
        let handle = statement.sqliteStatement
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
}

/// Binds values to consecutive parameters of a statement (SQLite copies text and blobs).
private struct Binder {
    private let handle: OpaquePointer
    private var index: Int32 = 1
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement) {
        handle = statement.sqliteStatement
        sqlite3_clear_bindings(handle)
    }

    mutating func int(_ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
        index += 1
    }

    mutating func text(_ value: String?) {
        if var value {
            value.withUTF8 { bytes in
                _ = sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
        } else {
            sqlite3_bind_null(handle, index)
        }
        index += 1
    }

    mutating func blob(_ value: Data) {
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
        index += 1
    }
}
