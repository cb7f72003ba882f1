import FailoverCore
import Foundation
import GRDB

/// What someone who can write the database file can do to the audit trail, on a connection of their own: the
/// attacks `failoverd audit verify` must detect with an anchor and the public key. They use only the public hash
/// function, as a forger would; none needs failoverd's signing key.
public enum AuditTampering {
    /// Changes the actor of event `id` and recomputes every hash from it to the end, so that every link holds.
    public static func rewrite(_ db: DatabaseQueue, from id: Int64, actor: String = "forger") throws {
        try db.write { db in
            var previous =
                try Data.fetchOne(
                    db, sql: "SELECT hash FROM audit_events WHERE id < ? ORDER BY id DESC LIMIT 1", arguments: [id]
                )
                .flatMap { AuditHash(bytes: [UInt8]($0)) } ?? .genesis
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM audit_events WHERE id >= ? ORDER BY id", arguments: [id])
            for row in rows {
                let rowID: Int64 = row["id"]
                let type: String = row["type"]
                let outcome: String = row["outcome"]
                let draft = AuditEventDraft(
                    type: AuditEventType(rawValue: type)!, actor: rowID == id ? actor : row["actor"],
                    recordedAtMilliseconds: row["recorded_at_ms"], outcome: AuditOutcome(rawValue: outcome)!,
                    episode: row["episode_id"], execution: row["execution_id"], runbook: row["runbook"],
                    fingerprint: row["fingerprint"], alertname: row["alertname"],
                    detail: AuditDetail(storedJSON: row["detail"]))
                let event = AuditEvent(draft: draft, id: rowID, previous: previous)
                try db.execute(
                    sql: "UPDATE audit_events SET actor = ?, hash = ? WHERE id = ?",
                    arguments: [event.actor, Data(event.hash.bytes), rowID])
                previous = event.hash
            }
        }
    }

    /// Edits the newest event and recomputes its hash.
    public static func editLast(_ db: DatabaseQueue, actor: String = "forger") throws {
        let last = try db.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM audit_events") } ?? 1
        try rewrite(db, from: last, actor: actor)
    }

    /// Deletes every event after `id` and lowers the id sequence to it, so the log looks as if it ended there.
    public static func truncate(_ db: DatabaseQueue, after id: Int64) throws {
        try db.write { db in
            try db.execute(sql: "DELETE FROM audit_events WHERE id > ?", arguments: [id])
            try db.execute(sql: "UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_events'", arguments: [id])
        }
    }

    /// Deletes events `range` and appends a retention checkpoint, properly linked, that declares them pruned.
    public static func deleteBehindForgedCheckpoint(_ db: DatabaseQueue, _ range: ClosedRange<Int64>) throws {
        try db.write { db in
            let hash = try Data.fetchOne(
                db, sql: "SELECT hash FROM audit_events WHERE id = ?", arguments: [range.upperBound])!
            let last = try Row.fetchOne(
                db, sql: "SELECT id, hash, recorded_at_ms FROM audit_events ORDER BY id DESC LIMIT 1")!
            let checkpoint = AuditEvent(
                draft: AuditEventDraft(
                    type: .retentionCheckpoint, actor: "retention", recordedAtMilliseconds: last["recorded_at_ms"],
                    detail: [
                        AuditRetentionCheckpoint.throughIDKey: .integer(range.upperBound),
                        AuditRetentionCheckpoint.throughHashKey: .string(AuditHash(bytes: [UInt8](hash))!.hex),
                        "events_pruned_from_id": .integer(range.lowerBound),
                    ]),
                id: (last["id"] as Int64) + 1, previous: AuditHash(bytes: [UInt8](last["hash"] as Data))!)
            try db.execute(
                sql: """
                    INSERT INTO audit_events (id, recorded_at_ms, type, actor, outcome, detail, hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    checkpoint.id, checkpoint.recordedAtMilliseconds, checkpoint.type.rawValue, checkpoint.actor,
                    checkpoint.outcome.rawValue, checkpoint.detail.json, Data(checkpoint.hash.bytes),
                ])
            try db.execute(
                sql: "DELETE FROM audit_events WHERE id BETWEEN ? AND ?",
                arguments: [range.lowerBound, range.upperBound])
        }
    }

    /// A consistent copy of the database at `path` (`VACUUM INTO`), to restore later over the live file.
    public static func copy(_ path: String, to copy: String) throws {
        try ExternalConnection.open(path).writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [copy])
        }
    }

    /// Puts the copy back in place of the database at `path` (an older file restored); the database must be closed.
    public static func restore(_ copy: String, over path: String) throws {
        let files = FileManager.default
        for suffix in ["", "-wal", "-shm"] { try? files.removeItem(atPath: path + suffix) }
        try files.copyItem(atPath: copy, toPath: path)
    }
}
