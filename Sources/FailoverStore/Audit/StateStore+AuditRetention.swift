import FailoverCore
import Foundation
import GRDB

extension StateStore {
    /// Prunes what `policy` no longer keeps, in small transactions with pauses between them.
    ///
    /// Before deleting anything it records one ``AuditEventType/retentionCheckpoint`` event that declares the
    /// plan: delivery bodies through which delivery id, events through which id and that event's hash (see
    /// ``AuditRetentionCheckpoint``). Then it deletes events from the oldest upwards, so that the events gone are
    /// always a prefix of the log (the only gap verification accepts behind a checkpoint: an interrupted run leaves
    /// rows up to the declared id that verification passes over, and the chain verifies at every moment), and
    /// clears bodies from the oldest upwards, remembering its progress so that the next run starts where this one
    /// stopped. Pruning stops at the first event or delivery that is not old enough (time never decreases
    /// along audit ids; for deliveries a body whose clock went back is kept).
    ///
    /// - Parameter now: the current time in milliseconds since the epoch.
    public func applyRetention(
        _ policy: AuditRetentionPolicy, now: Int64, actor: String = "retention"
    ) async throws(StoreError) -> AuditRetentionReport {
        let batchSize = Int64(max(1, policy.batchSize))
        do {
            let plan = try await pool.read { db in try RetentionPlan(policy, now: now, in: db) }
            guard plan.events != nil || plan.bodies != nil else { return AuditRetentionReport() }
            var report = AuditRetentionReport()
            report.checkpoint = try await appendAuditEvent(
                AuditEventDraft(
                    type: .retentionCheckpoint, actor: actor, recordedAtMilliseconds: now, detail: plan.detail))
            if let events = plan.events {
                var lower = events.fromID
                while lower <= events.throughID {
                    let upper = min(events.throughID, lower + batchSize - 1)
                    report.eventsPruned += try await pool.write { [lower] db in
                        try db.execute(
                            sql: "DELETE FROM audit_events WHERE id BETWEEN ? AND ?", arguments: [lower, upper])
                        return db.changesCount
                    }
                    lower = upper + 1
                    if await Self.pauseOrStop(policy.pause) {
                        report.interrupted = true
                        return report
                    }
                }
            }
            if let bodies = plan.bodies {
                var lower = bodies.fromID
                while lower <= bodies.throughID {
                    let upper = min(bodies.throughID, lower + batchSize - 1)
                    report.bodiesPruned += try await pool.write { [lower] db in
                        try db.execute(
                            sql: """
                                UPDATE deliveries SET body = NULL
                                WHERE id BETWEEN ? AND ? AND received_at_ms < ? AND body IS NOT NULL
                                """, arguments: [lower, upper, bodies.cutoff])
                        let changed = db.changesCount
                        try db.execute(
                            sql: """
                                INSERT INTO retention_progress (name, through_id) VALUES ('delivery_bodies', ?)
                                ON CONFLICT (name) DO UPDATE SET through_id = excluded.through_id
                                """, arguments: [upper])
                        return changed
                    }
                    lower = upper + 1
                    if await Self.pauseOrStop(policy.pause) {
                        report.interrupted = true
                        return report
                    }
                }
            }
            return report
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// Sleeps between batches; `true` when the task was cancelled.
    private static func pauseOrStop(_ pause: Duration) async -> Bool {
        if pause > .zero { try? await Task.sleep(for: pause) }
        return Task.isCancelled
    }
}

/// What a retention run will prune, decided in one read before anything changes.
private struct RetentionPlan: Sendable {
    struct Events: Sendable {
        var fromID: Int64
        var throughID: Int64
        var throughHash: AuditHash
        var cutoff: Int64
    }

    struct Bodies: Sendable {
        var fromID: Int64
        var throughID: Int64
        var cutoff: Int64
    }

    var events: Events?
    var bodies: Bodies?

    init(_ policy: AuditRetentionPolicy, now: Int64, in db: Database) throws {
        let day: Int64 = 86_400_000
        if let days = policy.eventDays {
            let cutoff = now - Int64(max(0, days)) * day
            let firstNew = try Int64.fetchOne(
                db,
                sql: """
                    SELECT id FROM audit_events INDEXED BY audit_events_time
                    WHERE recorded_at_ms >= ? ORDER BY recorded_at_ms, id LIMIT 1
                    """, arguments: [cutoff])
            let first = try Int64.fetchOne(db, sql: "SELECT min(id) FROM audit_events")
            // The last event still present below the first one to keep: its hash anchors the rest.
            let last = try Row.fetchOne(
                db, sql: "SELECT id, hash FROM audit_events WHERE id < ? ORDER BY id DESC LIMIT 1",
                arguments: [firstNew ?? Int64.max])
            if let first, let last, let lastID: Int64 = last["id"], let bytes: Data = last["hash"],
                let hash = AuditHash(bytes: [UInt8](bytes)), lastID >= first
            {
                events = Events(fromID: first, throughID: lastID, throughHash: hash, cutoff: cutoff)
            }
        }
        if let days = policy.deliveryBodyDays {
            let cutoff = now - Int64(max(0, days)) * day
            let done =
                try Int64.fetchOne(
                    db, sql: "SELECT through_id FROM retention_progress WHERE name = 'delivery_bodies'") ?? 0
            let firstNew = try Int64.fetchOne(
                db,
                sql: """
                    SELECT id FROM deliveries INDEXED BY deliveries_received_at
                    WHERE received_at_ms >= ? ORDER BY received_at_ms, id LIMIT 1
                    """, arguments: [cutoff])
            let through: Int64?
            if let firstNew {
                through = firstNew - 1
            } else {
                through = try Int64.fetchOne(db, sql: "SELECT max(id) FROM deliveries")
            }
            if let through, through > done {
                bodies = Bodies(fromID: done + 1, throughID: through, cutoff: cutoff)
            }
        }
    }

    /// The checkpoint's detail: what is about to be pruned.
    var detail: AuditDetail {
        var values: [String: AuditValue] = [:]
        if let events {
            values[AuditRetentionCheckpoint.throughIDKey] = .integer(events.throughID)
            values[AuditRetentionCheckpoint.throughHashKey] = .string(events.throughHash.hex)
            values["events_pruned_from_id"] = .integer(events.fromID)
            values["events_before"] = .string(Self.rfc3339(events.cutoff))
        }
        if let bodies {
            values["bodies_pruned_from_delivery_id"] = .integer(bodies.fromID)
            values["bodies_pruned_through_delivery_id"] = .integer(bodies.throughID)
            values["bodies_before"] = .string(Self.rfc3339(bodies.cutoff))
        }
        return AuditDetail(values)
    }

    private static func rfc3339(_ milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let remainder = milliseconds - seconds * 1000
        return Timestamp(secondsSinceEpoch: seconds, nanoseconds: Int32(remainder) * 1_000_000).rfc3339
    }
}
