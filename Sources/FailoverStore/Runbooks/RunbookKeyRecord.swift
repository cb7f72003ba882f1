import FailoverCore
import GRDB

/// Reads and writes one runbook key's state and carries out the state machine's effects, inside a transaction the
/// caller owns. Every decision is the core's (``RunbookKeyMachine``); this only loads what it needs and stores what
/// it returns, with the audit drafts ``RunbookAudit`` lays out.
struct RunbookKeyRecord {
    let db: Database
    let audit: AuditWriter
    let settings: RunbookPolicy.Settings
    let now: Int64

    /// The outcome of one event: the transition and the ids the store assigned.
    struct Outcome {
        var transition: RunbookKeyTransition
        var scheduledExecutions: [Int64] = []
        var incidentID: Int64?
    }

    /// Handles `event` for (`runbook`, `key`): loads state and context, runs the machine, applies its effects and
    /// persists the new state. A refusal changes nothing.
    ///
    /// - Parameters:
    ///   - labels, annotations: the template context of executions it schedules (the alert's, or the operator's).
    ///   - episodeID: the episode behind the event, for the audit.
    @discardableResult
    func handle(
        _ event: RunbookKeyEvent, runbook: RunbookDefinition, key: IncidentKey, actor: String, episodeID: Int64?,
        labels: [String: String], annotations: [String: String]
    ) throws -> Outcome {
        let state = try loadState(runbook: runbook.name, key: key, episode: Self.episode(of: event))
        let context = RunbookKeyContext(
            now: now, runbook: runbook, paused: try isPaused(runbook.name),
            recentFailovers: try recentFailovers(runbook: runbook, key: key), globalDryRun: settings.dryRun)
        let transition = RunbookKeyMachine.handle(event, state: state, context: context)
        var outcome = Outcome(transition: transition)
        guard transition.refusal == nil else { return outcome }
        var next = transition.state
        for effect in transition.effects {
            var executionID: Int64?
            switch effect {
            case .openIncident(let first):
                let incident = next.incident!
                try db.execute(
                    sql: """
                        INSERT INTO incidents (runbook, key, state, opened_at_ms, starts_at, first_episode_id, labels,
                            annotations)
                        VALUES (?, ?, 'open', ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        runbook.name, key.text, now, incident.startsAt.rfc3339, first, JSONText.object(labels),
                        JSONText.object(annotations),
                    ])
                next.incident!.id = db.lastInsertedRowID
                try db.execute(
                    sql:
                        "INSERT INTO incident_episodes (incident_id, episode_id, firing, joined_at_ms) VALUES (?, ?, 1, ?)",
                    arguments: [next.incident!.id, first, now])
            case .joinIncident(let episode):
                try db.execute(
                    sql: """
                        INSERT INTO incident_episodes (incident_id, episode_id, firing, joined_at_ms) VALUES (?, ?, 1, ?)
                        ON CONFLICT DO UPDATE SET firing = 1
                        """,
                    arguments: [next.incident!.id, episode, now])
            case .closeIncident(let id):
                try db.execute(
                    sql: "UPDATE incidents SET state = 'closed', closed_at_ms = ? WHERE id = ?", arguments: [now, id])
                outcome.incidentID = id
            case .schedule(let request), .suppress(let request, _):
                var reason: SuppressionReason?
                if case .suppress(_, let why) = effect { reason = why }
                let id = try insertExecution(
                    request, suppressed: reason, runbook: runbook, key: key,
                    incidentID: request.forIncident ? next.incident?.id : nil, labels: labels, annotations: annotations)
                executionID = id
                if reason == nil {
                    outcome.scheduledExecutions.append(id)
                    if request.movesKey { next.activeExecution?.id = id }
                }
            case .cancel(let id, let reason):
                try db.execute(
                    sql: """
                        UPDATE executions SET state = 'cancelled', finished_at_ms = ?, error = ?
                        WHERE id = ? AND state = 'scheduled'
                        """,
                    arguments: [now, reason, id])
                executionID = id
            case .failbackScheduled, .failbackCancelled, .phaseChanged:
                break
            }
            var incidentID = next.incident?.id
            if case .closeIncident(let id) = effect { incidentID = id }
            _ = try audit.append(
                RunbookAudit.draft(
                    for: effect, runbook: runbook.name, key: key, incidentID: incidentID, executionID: executionID,
                    episodeID: episodeID, actor: actor, now: now),
                in: db)
        }
        switch event {
        case .episodeStartedFiring(let episode):
            if let incident = next.incident {
                try db.execute(
                    sql: "UPDATE incident_episodes SET firing = 1 WHERE incident_id = ? AND episode_id = ?",
                    arguments: [incident.id, episode.id])
            }
        case .episodeStoppedFiring(let episodeID):
            if let incident = state.incident {
                try db.execute(
                    sql: "UPDATE incident_episodes SET firing = 0 WHERE incident_id = ? AND episode_id = ?",
                    arguments: [incident.id, episodeID])
            }
        default:
            break
        }
        if let incident = next.incident {
            try db.execute(
                sql: "UPDATE incidents SET firing_count = ?, starts_at = ? WHERE id = ?",
                arguments: [incident.firingCount, incident.startsAt.rfc3339, incident.id])
        } else if let closed = state.incident {
            try db.execute(sql: "UPDATE incidents SET firing_count = 0 WHERE id = ?", arguments: [closed.id])
        }
        outcome.incidentID = outcome.incidentID ?? next.incident?.id
        try save(next, previous: state, runbook: runbook.name, key: key)
        outcome.transition.state = next
        return outcome
    }

    // MARK: Loading

    /// The episode an event is about, whose incident membership the state machine needs.
    static func episode(of event: RunbookKeyEvent) -> Int64? {
        switch event {
        case .episodeStartedFiring(let episode): episode.id
        case .episodeStoppedFiring(let id): id
        default: nil
        }
    }

    func loadState(runbook: String, key: IncidentKey, episode: Int64? = nil) throws -> RunbookKeyState {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM runbook_keys WHERE runbook = ? AND key = ?", arguments: [runbook, key.text])
        else { return RunbookKeyState() }
        var state = RunbookKeyState(
            phase: RunbookKeyPhase(rawValue: row["phase"]) ?? .failed,
            failbackDueAtMilliseconds: row["failback_due_ms"],
            failbackAwaitingApproval: row["failback_awaiting_approval"],
            refireAfterFailback: row["refire_after_failback"], lastResolvedAtMilliseconds: row["last_resolved_ms"])
        if let incidentID: Int64 = row["open_incident_id"],
            let incident = try Row.fetchOne(
                db, sql: "SELECT opened_at_ms, starts_at, firing_count FROM incidents WHERE id = ? AND state = 'open'",
                arguments: [incidentID])
        {
            // Only the event's own episode: an incident may gather thousands.
            var members: [Int64: Bool] = [:]
            if let episode,
                let firing = try Bool.fetchOne(
                    db, sql: "SELECT firing FROM incident_episodes WHERE incident_id = ? AND episode_id = ?",
                    arguments: [incidentID, episode])
            {
                members[episode] = firing
            }
            state.incident = OpenIncident(
                id: incidentID, openedAtMilliseconds: incident["opened_at_ms"],
                startsAt: Timestamp(rfc3339: incident["starts_at"] as String) ?? Timestamp(milliseconds: now),
                firingCount: incident["firing_count"], members: members)
        }
        if let executionID: Int64 = row["active_execution_id"],
            let execution = try Row.fetchOne(
                db, sql: "SELECT kind, state, trigger FROM executions WHERE id = ?", arguments: [executionID]),
            let executionState = ExecutionState(rawValue: execution["state"]), !executionState.isFinal
        {
            state.activeExecution = ExecutionReference(
                id: executionID, kind: ExecutionKind(rawValue: execution["kind"]) ?? .failover, state: executionState,
                trigger: ExecutionTrigger(rawValue: execution["trigger"]) ?? .alert)
        }
        return state
    }

    func isPaused(_ runbook: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM runbook_pauses WHERE runbook = ?", arguments: [runbook]) ?? false
    }

    /// Failovers the flap guard counts: not dry runs, not suppressed, not cancelled before they started.
    func recentFailovers(runbook: RunbookDefinition, key: IncidentKey) throws -> Int {
        guard let budget = runbook.maxExecutions else { return 0 }
        return try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM executions
                WHERE runbook = ? AND key = ? AND kind = 'failover' AND dry_run = 0 AND state != 'suppressed'
                    AND NOT (state = 'cancelled' AND started_at_ms IS NULL) AND created_at_ms >= ?
                """,
            arguments: [runbook.name, key.text, now - budget.per.milliseconds]) ?? 0
    }

    // MARK: Writing

    private func insertExecution(
        _ request: ExecutionRequest, suppressed: SuppressionReason?, runbook: RunbookDefinition, key: IncidentKey,
        incidentID: Int64?, labels: [String: String], annotations: [String: String]
    ) throws -> Int64 {
        var context = labels
        for label in key.labels where context[label.name] == nil { context[label.name] = label.value }
        try db.execute(
            sql: """
                INSERT INTO executions (runbook, key, incident_id, kind, state, trigger, requested_by, dry_run, forced,
                    moves_key, suppressed_reason, labels, annotations, created_at_ms, due_at_ms, finished_at_ms,
                    definition_digest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                runbook.name, key.text, incidentID, request.kind.rawValue,
                suppressed == nil ? ExecutionState.scheduled.rawValue : ExecutionState.suppressed.rawValue,
                request.trigger.rawValue, request.requestedBy, request.dryRun, request.forced, request.movesKey,
                suppressed?.rawValue, JSONText.object(context), JSONText.object(annotations), now,
                request.dueAtMilliseconds, suppressed == nil ? nil : now,
                runbook.digest.isEmpty ? nil : runbook.digest,
            ])
        let id = db.lastInsertedRowID
        if suppressed == nil {
            for lock in runbook.lockKeys(for: request.kind, key: key) {
                try db.execute(
                    sql: "INSERT INTO execution_locks (lock_key, execution_id) VALUES (?, ?)", arguments: [lock, id])
            }
        }
        if let incidentID, request.kind == .failover {
            try db.execute(
                sql: "UPDATE incidents SET execution_id = ? WHERE id = ? AND execution_id IS NULL",
                arguments: [id, incidentID])
        }
        return id
    }

    private func save(_ state: RunbookKeyState, previous: RunbookKeyState, runbook: String, key: IncidentKey) throws {
        let failedOverNow = state.phase == .failedOver && previous.phase != .failedOver
        let failedBackNow = state.phase == .normal && previous.phase == .failingBack
        try db.execute(
            sql: """
                INSERT INTO runbook_keys (runbook, key, phase, open_incident_id, active_execution_id, failback_due_ms,
                    failback_awaiting_approval, refire_after_failback, last_resolved_ms, last_failover_ms,
                    last_failback_ms, updated_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (runbook, key) DO UPDATE SET phase = excluded.phase,
                    open_incident_id = excluded.open_incident_id, active_execution_id = excluded.active_execution_id,
                    failback_due_ms = excluded.failback_due_ms,
                    failback_awaiting_approval = excluded.failback_awaiting_approval,
                    refire_after_failback = excluded.refire_after_failback,
                    last_resolved_ms = excluded.last_resolved_ms,
                    last_failover_ms = coalesce(excluded.last_failover_ms, last_failover_ms),
                    last_failback_ms = coalesce(excluded.last_failback_ms, last_failback_ms),
                    updated_ms = excluded.updated_ms
                """,
            arguments: [
                runbook, key.text, state.phase.rawValue, state.incident?.id, state.activeExecution?.id,
                state.failbackDueAtMilliseconds, state.failbackAwaitingApproval, state.refireAfterFailback,
                state.lastResolvedAtMilliseconds, failedOverNow ? now : nil, failedBackNow ? now : nil, now,
            ])
    }
}
