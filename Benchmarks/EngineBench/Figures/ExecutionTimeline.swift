import Foundation
import GRDB

/// When each execution was claimed and when its first step was recorded as started, from the audit events that
/// failoverd wrote (read from its SQLite file after it stopped). Times are wall-clock milliseconds, as the events
/// carry them: each is the engine's clock read just before the transaction that wrote the event, truncated to
/// the millisecond.
struct ExecutionTimeline: Sendable {
    /// One execution's times.
    struct Entry: Sendable {
        /// The execution's final state.
        var state: String
        /// `runbook.started`: the claim.
        var claimedAtMilliseconds: Int64?
        /// The first `runbook.step_started`.
        var firstStepAtMilliseconds: Int64?
    }

    /// Entries by the `region` of the execution's key.
    let byRegion: [String: Entry]

    /// Reads the executions and their audit events from the database at `path`.
    init(databasePath path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        var entries: [String: Entry] = [:]
        try queue.read { db in
            var regions: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, key, state FROM executions") {
                let key: String = row["key"]
                let object = (try? JSONSerialization.jsonObject(with: Data(key.utf8))) as? [String: String]
                guard let region = object?["region"] else { continue }
                regions[row["id"]] = region
                entries[region] = Entry(state: row["state"])
            }
            let events = try Row.fetchAll(
                db,
                sql: """
                    SELECT execution_id, type, recorded_at_ms FROM audit_events
                    WHERE type IN ('runbook.started', 'runbook.step_started') AND execution_id IS NOT NULL
                    ORDER BY id
                    """)
            for row in events {
                guard let region = regions[row["execution_id"]] else { continue }
                let time: Int64 = row["recorded_at_ms"]
                if row["type"] == "runbook.started" {
                    if entries[region]?.claimedAtMilliseconds == nil { entries[region]?.claimedAtMilliseconds = time }
                } else if entries[region]?.firstStepAtMilliseconds == nil {
                    entries[region]?.firstStepAtMilliseconds = time
                }
            }
        }
        byRegion = entries
    }
}
