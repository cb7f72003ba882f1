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
    private let findPeriod: Statement
    private let insertEpisode: Statement
    private let resolveEpisode: Statement
    private let countDuplicate: Statement
    private let moveStart: Statement
    private let markReopenPending: Statement
    private let reopenEpisode: Statement
    private let writeHeartbeat: Statement
    private let insertHeadroom: Statement
    private let clearHeadroom: Statement

    init(_ db: Database) throws {
        self.db = db
        insertDelivery = try db.makeStatement(
            sql: """
                INSERT INTO deliveries (received_at_ms, remote_address, authenticated_as, group_key, receiver, status,
                    alert_count, firing_count, resolved_count, truncated_alerts, body_sha256, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        // The latest episode of a fingerprint is its current firing period.
        findPeriod = try db.makeStatement(
            sql: """
                SELECT id, state, starts_at, ends_at, reopen_due_ms FROM episodes WHERE fingerprint = ?
                ORDER BY id DESC LIMIT 1
                """)
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
                    annotations = ?, last_seen_ms = ?, last_delivery_id = ?, reopen_due_ms = NULL
                WHERE id = ?
                """)
        countDuplicate = try db.makeStatement(
            sql: """
                UPDATE episodes SET duplicates = duplicates + 1, stale_firings = stale_firings + ?,
                    last_seen_ms = ?, last_delivery_id = ?, reopen_due_ms = CASE WHEN ? THEN NULL ELSE reopen_due_ms END
                WHERE id = ?
                """)
        moveStart = try db.makeStatement(sql: "UPDATE episodes SET starts_at = ? WHERE id = ?")
        markReopenPending = try db.makeStatement(
            sql: "UPDATE episodes SET reopen_due_ms = ?, last_seen_ms = ?, last_delivery_id = ? WHERE id = ?")
        reopenEpisode = try db.makeStatement(
            sql: """
                UPDATE episodes SET state = 'firing', reopen_due_ms = NULL, reopenings = reopenings + 1,
                    resolved_at_ms = NULL, resolved_delivery_id = NULL, ends_at = NULL, last_seen_ms = ?,
                    last_delivery_id = ?
                WHERE id = ?
                """)
        insertHeadroom = try db.makeStatement(sql: "INSERT INTO readiness_headroom (filler) VALUES (zeroblob(65536))")
        clearHeadroom = try db.makeStatement(sql: "DELETE FROM readiness_headroom")
        writeHeartbeat = try db.makeStatement(
            sql: """
                INSERT INTO service_heartbeat (id, written_at_ms) VALUES (1, ?)
                ON CONFLICT (id) DO UPDATE SET written_at_ms = excluded.written_at_ms
                """)
    }

    /// Stores one delivery and applies each alert to its episode; the caller owns the transaction.
    func apply(_ delivery: PreparedDelivery, reopenWindow: Duration) throws -> IngestReceipt {
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
            let current = try lookup(fingerprint: alert.fingerprint)
            let decision = FiringPeriod.decide(
                current: current, notice: alert.notice, now: now, reopenWindow: reopenWindow)
            let transition = decision.transition
            let episodeID: Int64
            var periodStart = current?.startsAt ?? alert.notice.startsAt
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
                bind.text(resolved ? EpisodeState.resolved.rawValue : EpisodeState.firing.rawValue)
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
                periodStart = alert.notice.startsAt
            case .resolved:
                episodeID = current!.episodeID
                var bind = Binder(resolveEpisode)
                bind.text(alert.endsAt)
                bind.int(now)
                bind.int(deliveryID)
                bind.text(alert.annotationsJSON)
                bind.int(now)
                bind.int(deliveryID)
                bind.int(episodeID)
                try run(resolveEpisode)
            case .duplicateFiring, .duplicateResolved, .staleResolved, .reopenCancelled:
                episodeID = current!.episodeID
                var bind = Binder(countDuplicate)
                bind.int(transition == .reopenCancelled ? 1 : 0)
                bind.int(now)
                bind.int(deliveryID)
                bind.int(transition == .reopenCancelled ? 1 : 0)
                bind.int(episodeID)
                try run(countDuplicate)
            case .reopenPending:
                episodeID = current!.episodeID
                var bind = Binder(markReopenPending)
                bind.int(decision.reopenDueAtMilliseconds)
                bind.int(now)
                bind.int(deliveryID)
                bind.int(episodeID)
                try run(markReopenPending)
            case .reopened:
                episodeID = current!.episodeID
                try reopen(episodeID: episodeID, now: now, deliveryID: deliveryID)
            }
            if decision.movesStartEarlier {
                var bind = Binder(moveStart)
                bind.text(alert.startsAt)
                bind.int(episodeID)
                try run(moveStart)
                periodStart = alert.notice.startsAt
            }
            outcomes.append(
                AlertOutcome(
                    fingerprint: alert.fingerprint, startsAt: alert.startsAt, episodeID: episodeID,
                    transition: transition, periodStartsAt: periodStart,
                    reopenDueAtMilliseconds: decision.reopenDueAtMilliseconds))
        }
        return IngestReceipt(deliveryID: deliveryID, alerts: outcomes)
    }

    /// Stores and removes 64 KiB of filler (sixteen pages, more than a webhook writes): it commits only when the
    /// disk takes a webhook's writes. The removed pages stay on SQLite's free list for the next writes.
    func fillHeadroom() throws {
        try run(insertHeadroom)
        try run(clearHeadroom)
    }

    /// Writes the readiness heartbeat.
    func heartbeat(at milliseconds: Int64) throws {
        var bind = Binder(writeHeartbeat)
        bind.int(milliseconds)
        try run(writeHeartbeat)
    }

    /// Makes a resolved episode fire again (its reopening was confirmed, or the window is zero).
    func reopen(episodeID: Int64, now: Int64, deliveryID: Int64?) throws {
        var bind = Binder(reopenEpisode)
        bind.int(now)
        bind.int(deliveryID)
        bind.int(episodeID)
        try run(reopenEpisode)
    }

    private func lookup(fingerprint: String) throws -> FiringPeriod? {
        let statement = findPeriod.sqliteStatement
        var bind = Binder(findPeriod)
        bind.text(fingerprint)
        defer { sqlite3_reset(statement) }
        switch sqlite3_step(statement) {
        case SQLITE_ROW:
            func text(_ column: Int32) -> String? {
                sqlite3_column_text(statement, column).map { String(cString: $0) }
            }
            let id = sqlite3_column_int64(statement, 0)
            let state = text(1).flatMap(EpisodeState.init(rawValue:)) ?? .firing
            let startsAt = text(2).flatMap { Timestamp(rfc3339: $0) } ?? .goZero
            let endsAt = text(3).flatMap { Timestamp(rfc3339: $0) }
            let due: Int64? =
                sqlite3_column_type(statement, 4) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, 4)
            return FiringPeriod(
                episodeID: id, startsAt: startsAt, state: state, endsAt: endsAt, reopenDueAtMilliseconds: due)
        case SQLITE_DONE:
            return nil
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
