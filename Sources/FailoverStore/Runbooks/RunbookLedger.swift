import FailoverCore
import Foundation
import GRDB

/// The runbook engine's side of the store: timers, claims with leases and fencing tokens, step records under the
/// claim, and operator actions. Every write is one plan-shaped transaction on the writer's connection
/// (``IngestWriter/perform(_:)``); none holds a transaction across a network call.
///
/// The claim protocol (the same one a PostgreSQL store will implement for several replicas):
/// - ``claimDue(owner:limit:lease:now:)`` takes executions that are due, not claimed by a live lease, and whose
///   locks (runbook key, DNS record sets) no running execution holds; each claim gets a fencing token from one
///   counter, larger than every earlier one;
/// - every later write names the claim (id, owner, token) and changes nothing when the claim is no longer the
///   current one (``ClaimStatus/lost``);
/// - ``takeBackClaims(except:now:)`` at start frees the leases of earlier processes: the service owns the SQLite
///   file alone, so it need not wait for them to expire.
public final class RunbookLedger: Sendable {
    let writer: IngestWriter
    let store: StateStore

    /// Creates the ledger over the writer (all writes) and the store (reads).
    public init(writer: IngestWriter, store: StateStore) {
        self.writer = writer
        self.store = store
    }

    var settings: RunbookPolicy.Settings { writer.policy.settings }

    // MARK: Start and timers

    /// Frees every claim not held by `owner` (an earlier process's, after a crash): their executions resume at the
    /// first unfinished step when claimed again. Returns how many were freed.
    public func takeBackClaims(except owner: String, now: Int64) async throws(IngestError) -> Int {
        try await writer.perform { db, audit in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, runbook, claim_owner, claim_fence FROM executions
                    WHERE state = 'running' AND claim_owner IS NOT NULL AND claim_owner != ?
                    """,
                arguments: [owner])
            for row in rows {
                try db.execute(
                    sql: "UPDATE executions SET claim_owner = NULL, lease_expires_ms = NULL WHERE id = ?",
                    arguments: [row["id"] as Int64])
                _ = try audit.append(
                    AuditEventDraft(
                        type: .runbookClaimLost, actor: "engine", recordedAtMilliseconds: now, outcome: .failure,
                        execution: row["id"], runbook: row["runbook"],
                        detail: [
                            "previous_owner": .string(row["claim_owner"]), "fence": .integer(row["claim_fence"] ?? 0),
                            "reason": .string("taken back at start: the previous process is gone"),
                        ]),
                    in: db)
            }
            return rows.count
        }
    }

    /// What one timer pass did.
    public struct TickReport: Sendable, Hashable {
        /// Episodes whose reopening was confirmed.
        public var reopened: Int
        /// Runbook keys whose failback hold ended.
        public var holdsElapsed: Int
        /// Executions scheduled by them.
        public var scheduled: [Int64]
    }

    /// Confirms reopenings whose window passed and ends failback holds that are due.
    public func tick(now: Int64) async throws(IngestError) -> TickReport {
        let settings = settings
        return try await writer.perform { db, audit in
            var report = TickReport(reopened: 0, holdsElapsed: 0, scheduled: [])
            let record = RunbookKeyRecord(db: db, audit: audit, settings: settings, now: now)
            let due = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, fingerprint, alertname, starts_at, labels, annotations FROM episodes
                    WHERE reopen_due_ms IS NOT NULL AND reopen_due_ms <= ? AND state = 'resolved'
                    ORDER BY id
                    """,
                arguments: [now])
            for row in due {
                let episodeID: Int64 = row["id"]
                // A later period of the fingerprint began while this one waited: this one is over for good (every
                // later notification reaches the latest period only), so reopening it would leave it firing forever.
                let superseded =
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM episodes WHERE fingerprint = ? AND id > ?)",
                        arguments: [row["fingerprint"] as String, episodeID]) ?? false
                if superseded {
                    try db.execute(sql: "UPDATE episodes SET reopen_due_ms = NULL WHERE id = ?", arguments: [episodeID])
                    _ = try audit.append(
                        AuditEventDraft(
                            type: .episodeReopenCancelled, actor: "engine", recordedAtMilliseconds: now,
                            episode: episodeID, fingerprint: row["fingerprint"], alertname: row["alertname"],
                            detail: [
                                "transition": .string(EpisodeTransition.reopenCancelled.rawValue),
                                "starts_at": .string(row["starts_at"]),
                                "reason": .string("a later firing period of the alert began"),
                            ]),
                        in: db)
                    continue
                }
                try db.execute(
                    sql: """
                        UPDATE episodes SET state = 'firing', reopen_due_ms = NULL, reopenings = reopenings + 1,
                            resolved_at_ms = NULL, resolved_delivery_id = NULL, ends_at = NULL
                        WHERE id = ?
                        """,
                    arguments: [episodeID])
                _ = try audit.append(
                    AuditEventDraft(
                        type: .episodeReopened, actor: "engine", recordedAtMilliseconds: now, episode: episodeID,
                        fingerprint: row["fingerprint"], alertname: row["alertname"],
                        detail: [
                            "transition": .string(EpisodeTransition.reopened.rawValue),
                            "starts_at": .string(row["starts_at"]),
                            "reason": .string("no resolved notification within ingest.reopen_window"),
                        ]),
                    in: db)
                report.reopened += 1
                let labels = JSONText.parseStringMap(row["labels"]) ?? [:]
                let annotations = JSONText.parseStringMap(row["annotations"]) ?? [:]
                let startsAt = Timestamp(rfc3339: row["starts_at"] as String) ?? Timestamp(milliseconds: now)
                for (runbook, key) in settings.catalog.matches(labels) {
                    let outcome = try record.handle(
                        .episodeStartedFiring(EpisodeFacts(id: episodeID, startsAt: startsAt)), runbook: runbook,
                        key: key, actor: "engine", episodeID: episodeID, labels: labels, annotations: annotations)
                    report.scheduled += outcome.scheduledExecutions
                }
            }
            let holds = try Row.fetchAll(
                db,
                sql: "SELECT runbook, key FROM runbook_keys WHERE failback_due_ms IS NOT NULL AND failback_due_ms <= ?",
                arguments: [now])
            for row in holds {
                guard let runbook = settings.catalog.runbook(named: row["runbook"]),
                    let key = IncidentKey(text: row["key"])
                else { continue }
                let outcome = try record.handle(
                    .failbackHoldElapsed, runbook: runbook, key: key, actor: "engine", episodeID: nil,
                    labels: key.map, annotations: [:])
                report.holdsElapsed += 1
                report.scheduled += outcome.scheduledExecutions
            }
            return report
        }
    }

    /// The earliest time after `now` at which a timer or an execution falls due, for the engine's sleep; `nil` when
    /// none. What is due already but cannot run (an execution waiting for a lock) is not a reason to wake early: the
    /// engine passes again when an execution ends, and at its poll interval.
    public func nextDueTime(after now: Int64) async throws(StoreError) -> Int64? {
        do {
            return try await store.pool.read { db in
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT min(t) FROM (
                            SELECT min(reopen_due_ms) AS t FROM episodes WHERE reopen_due_ms > :now
                            UNION ALL SELECT min(failback_due_ms) FROM runbook_keys WHERE failback_due_ms > :now
                            UNION ALL SELECT min(due_at_ms) FROM executions
                                WHERE state IN ('scheduled', 'running') AND due_at_ms > :now)
                        """,
                    arguments: ["now": now])
            }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    // MARK: Claims

    /// Claims up to `limit` due executions for `owner` with a lease of `lease`.
    public func claimDue(
        owner: String, limit: Int, lease: Duration, now: Int64
    ) async throws(IngestError) -> [ExecutionClaim] {
        guard limit > 0 else { return [] }
        let settings = settings
        // A claim need not survive the machine: the process that starts after a crash takes back every claim of
        // the one before it, and a lost claim leaves its execution due, so it is claimed again. Its first step's
        // start record commits durably, and the log is synced in order, so the claim is on disk before any step
        // has run. The claim's own fsync stood between a webhook and its first DNS write (`make bench`).
        return try await writer.perform(durable: false) { db, audit in
            var claims: [ExecutionClaim] = []
            var skipped: [Int64] = []
            while claims.count < limit {
                let excluded =
                    skipped.isEmpty ? "" : "AND e.id NOT IN (\(skipped.map(String.init).joined(separator: ",")))"
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT e.* FROM executions e
                            WHERE e.state IN ('scheduled', 'running') AND e.due_at_ms <= :now
                                AND (e.claim_owner IS NULL OR e.lease_expires_ms < :now) \(excluded)
                                AND NOT EXISTS (
                                    SELECT 1 FROM execution_locks mine
                                    JOIN execution_locks other
                                        ON other.lock_key = mine.lock_key AND other.execution_id != mine.execution_id
                                    JOIN executions holder ON holder.id = other.execution_id
                                    WHERE mine.execution_id = e.id AND holder.state = 'running'
                                        AND holder.claim_owner IS NOT NULL AND holder.lease_expires_ms >= :now)
                                AND NOT EXISTS (
                                    SELECT 1 FROM execution_locks mine
                                    JOIN execution_locks other
                                        ON other.lock_key = mine.lock_key AND other.execution_id < mine.execution_id
                                    JOIN executions waiting ON waiting.id = other.execution_id
                                    WHERE mine.execution_id = e.id AND waiting.state IN ('scheduled', 'running')
                                        AND waiting.due_at_ms <= :now)
                            ORDER BY e.due_at_ms, e.id LIMIT 1
                            """,
                        arguments: ["now": now])
                else { break }
                let id: Int64 = row["id"]
                if let cancelledBy: String = row["cancel_requested_by"], row["started_at_ms"] as Int64? == nil {
                    // Cancelled before any step ran: end it here, nothing to claim.
                    try ExecutionEnd(db: db, audit: audit, settings: settings, now: now)
                        .finish(id: id, state: .cancelled, error: "cancelled by \(cancelledBy)", actor: cancelledBy)
                    skipped.append(id)
                    continue
                }
                let fence = try Int64.fetchOne(
                    db, sql: "UPDATE fencing_tokens SET last_token = last_token + 1 WHERE id = 1 RETURNING last_token")!
                let resumed = (row["claims"] as Int) > 0
                try db.execute(
                    sql: """
                        UPDATE executions SET state = 'running', claim_owner = ?, claim_fence = ?, lease_expires_ms = ?,
                            claims = claims + 1, started_at_ms = coalesce(started_at_ms, ?)
                        WHERE id = ?
                        """,
                    arguments: [owner, fence, now + lease.milliseconds, now, id])
                var steps: [String: StepRecordState] = [:]
                for step in try Row.fetchAll(
                    db, sql: "SELECT path, state FROM execution_steps WHERE execution_id = ?", arguments: [id])
                {
                    steps[step["path"]] = StepRecordState(rawValue: step["state"]) ?? .running
                }
                let claim = ExecutionClaim(
                    executionID: id, runbook: row["runbook"], key: IncidentKey(text: row["key"]) ?? IncidentKey([]),
                    kind: ExecutionKind(rawValue: row["kind"]) ?? .failover, dryRun: row["dry_run"],
                    incidentID: row["incident_id"], labels: JSONText.parseStringMap(row["labels"]) ?? [:],
                    annotations: JSONText.parseStringMap(row["annotations"]) ?? [:], owner: owner, fence: fence,
                    nextStep: row["next_step"], recordedSteps: steps, resumed: resumed,
                    definitionDigest: row["definition_digest"])
                _ = try audit.append(
                    AuditEventDraft(
                        type: .runbookStarted, actor: "engine", recordedAtMilliseconds: now, execution: id,
                        runbook: claim.runbook,
                        detail: [
                            "key": .string(claim.key.text), "kind": .string(claim.kind.rawValue),
                            "dry_run": .bool(claim.dryRun), "owner": .string(owner), "fence": .integer(fence),
                            "resumed": .bool(resumed), "next_step": .integer(Int64(claim.nextStep)),
                        ]),
                    in: db)
                claims.append(claim)
            }
            return claims
        }
    }

    /// Extends the claim's lease; says whether it is still held and whether an operator asked to cancel.
    public func renew(_ claim: ExecutionClaim, lease: Duration, now: Int64) async throws(IngestError) -> ClaimStatus {
        try await writer.perform { db, _ in
            try Self.guardClaim(claim, lease: lease, now: now, in: db)
        }
    }

    /// Records that a step starts, under the claim.
    public func recordStepStarted(
        _ step: StepStart, of claim: ExecutionClaim, lease: Duration, now: Int64
    ) async throws(IngestError) -> ClaimStatus {
        try await writer.perform { db, audit in
            let status = try Self.guardClaim(claim, lease: lease, now: now, in: db)
            guard case .held = status else { return status }
            try db.execute(
                sql: """
                    INSERT INTO execution_steps (execution_id, path, position, kind, name, state, runs, fence,
                        started_at_ms, summary)
                    VALUES (?, ?, ?, ?, ?, 'running', 1, ?, ?, ?)
                    ON CONFLICT (execution_id, path) DO UPDATE SET state = 'running', runs = runs + 1,
                        fence = excluded.fence, started_at_ms = excluded.started_at_ms, finished_at_ms = NULL,
                        summary = excluded.summary, error = NULL
                    """,
                arguments: [
                    claim.executionID, step.path, step.position, step.kind, step.name, claim.fence, now, step.summary,
                ])
            _ = try audit.append(
                AuditEventDraft(
                    type: .runbookStepStarted, actor: "engine", recordedAtMilliseconds: now,
                    execution: claim.executionID, runbook: claim.runbook,
                    detail: [
                        "step": .string(step.path), "kind": .string(step.kind),
                        "name": step.name.map(AuditValue.string) ?? .null,
                        "summary": .string(step.summary), "fence": .integer(claim.fence),
                        "dry_run": .bool(claim.dryRun),
                    ]),
                in: db)
            return status
        }
    }

    /// Records a step's result under the claim (and, for a top-level step, where the execution resumes).
    public func recordStepFinished(
        _ result: StepResult, of claim: ExecutionClaim, lease: Duration, now: Int64
    ) async throws(IngestError) -> ClaimStatus {
        try await writer.perform { db, audit in
            let status = try Self.guardClaim(claim, lease: lease, now: now, in: db)
            guard case .held = status else { return status }
            let detail = AuditDetail(result.detail)
            try db.execute(
                sql: """
                    UPDATE execution_steps SET state = ?, attempts = attempts + ?, finished_at_ms = ?, summary = ?,
                        error = ?, detail = ?, fence = ?
                    WHERE execution_id = ? AND path = ?
                    """,
                arguments: [
                    result.state.rawValue, result.attempts, now, result.summary, result.error, detail.json, claim.fence,
                    claim.executionID, result.path,
                ])
            if let next = result.advancesTo {
                try db.execute(
                    sql: "UPDATE executions SET next_step = ? WHERE id = ?", arguments: [next, claim.executionID])
            }
            var auditDetail = result.detail
            auditDetail["step"] = .string(result.path)
            auditDetail["state"] = .string(result.state.rawValue)
            auditDetail["attempts"] = .integer(Int64(result.attempts))
            auditDetail["summary"] = .string(result.summary)
            auditDetail["fence"] = .integer(claim.fence)
            auditDetail["dry_run"] = .bool(claim.dryRun)
            if let error = result.error { auditDetail["error"] = .string(error) }
            _ = try audit.append(
                AuditEventDraft(
                    type: .runbookStepFinished, actor: "engine", recordedAtMilliseconds: now,
                    outcome: result.state == .failed ? .failure : .success, execution: claim.executionID,
                    runbook: claim.runbook, detail: AuditDetail(auditDetail)),
                in: db)
            return status
        }
    }

    /// Ends the execution under the claim and hands the ending to the runbook-key state machine.
    public func finish(
        _ claim: ExecutionClaim, state: ExecutionState, error: String?, now: Int64
    ) async throws(IngestError) -> ClaimStatus {
        let settings = settings
        return try await writer.perform { db, audit in
            let status = try Self.guardClaim(claim, lease: .zero, now: now, in: db)
            guard case .held(let cancelledBy) = status else { return status }
            try ExecutionEnd(db: db, audit: audit, settings: settings, now: now)
                .finish(
                    id: claim.executionID, state: state, error: error,
                    actor: state == .cancelled ? (cancelledBy ?? "engine") : "engine")
            return status
        }
    }

    /// Gives up the claims of `owner` (graceful stop): another process may take them at once.
    public func release(owner: String) async throws(IngestError) {
        try await writer.perform { db, _ in
            try db.execute(
                sql: """
                    UPDATE executions SET claim_owner = NULL, lease_expires_ms = NULL
                    WHERE claim_owner = ? AND state = 'running'
                    """,
                arguments: [owner])
        }
    }

    /// The guard every write under a claim runs first: the claim is current (same owner and token, running) and
    /// its lease has not run out; it extends the lease by `lease` (zero: leaves it).
    static func guardClaim(_ claim: ExecutionClaim, lease: Duration, now: Int64, in db: Database) throws -> ClaimStatus
    {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT cancel_requested_by FROM executions
                    WHERE id = ? AND claim_owner = ? AND claim_fence = ? AND state = 'running' AND lease_expires_ms >= ?
                    """,
                arguments: [claim.executionID, claim.owner, claim.fence, now])
        else { return .lost }
        if lease > .zero {
            try db.execute(
                sql: "UPDATE executions SET lease_expires_ms = ? WHERE id = ?",
                arguments: [now + lease.milliseconds, claim.executionID])
        }
        return .held(cancelRequestedBy: row["cancel_requested_by"])
    }
}

/// Ends an execution: its row, its audit event, and the runbook-key state machine's reaction.
struct ExecutionEnd {
    let db: Database
    let audit: AuditWriter
    let settings: RunbookPolicy.Settings
    let now: Int64

    func finish(id: Int64, state: ExecutionState, error: String?, actor: String) throws {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT runbook, key, kind, dry_run, started_at_ms, labels, claims FROM executions WHERE id = ?",
                arguments: [id])
        else { return }
        try db.execute(
            sql: """
                UPDATE executions SET state = ?, error = ?, finished_at_ms = ?, claim_owner = NULL,
                    lease_expires_ms = NULL
                WHERE id = ?
                """,
            arguments: [state.rawValue, error, now, id])
        let runbookName: String = row["runbook"]
        let kind = ExecutionKind(rawValue: row["kind"]) ?? .failover
        let type: AuditEventType =
            switch state {
            case .succeeded: .runbookFinished
            case .cancelled: .runbookCancelled
            default: .runbookFailed
            }
        let outcome: AuditOutcome =
            switch state {
            case .succeeded: .success
            case .cancelled: .cancelled
            default: .failure
            }
        var detail: [String: AuditValue] = [
            "key": .string(row["key"]), "kind": .string(kind.rawValue), "state": .string(state.rawValue),
            "dry_run": .bool(row["dry_run"]),
        ]
        if let error { detail["error"] = .string(error) }
        _ = try audit.append(
            AuditEventDraft(
                type: type, actor: actor, recordedAtMilliseconds: now, outcome: outcome, execution: id,
                runbook: runbookName, detail: AuditDetail(detail)),
            in: db)
        guard let runbook = settings.catalog.runbook(named: runbookName), let key = IncidentKey(text: row["key"]) else {
            return
        }
        let steps =
            try Int.fetchOne(db, sql: "SELECT count(*) FROM execution_steps WHERE execution_id = ?", arguments: [id])
            ?? 0
        let ending = ExecutionEnding(
            id: id, kind: kind, state: state, started: steps > 0, dryRun: row["dry_run"])
        try RunbookKeyRecord(db: db, audit: audit, settings: settings, now: now)
            .handle(
                .executionEnded(ending), runbook: runbook, key: key, actor: "engine", episodeID: nil,
                labels: JSONText.parseStringMap(row["labels"]) ?? key.map, annotations: [:])
    }
}
