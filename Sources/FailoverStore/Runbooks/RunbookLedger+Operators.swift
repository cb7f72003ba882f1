import FailoverCore
import GRDB

/// What an operator's action did.
public struct OperatorActionResult: Sendable, Hashable {
    /// The execution it scheduled, if any.
    public var executionID: Int64?
    /// The key's phase afterwards.
    public var phase: RunbookKeyPhase?
    /// Why the state forbids the action (answered 409); nothing changed.
    public var refusal: String?
}

extension RunbookLedger {
    /// An operator asks for a failover of (`runbook`, `key`) (`POST /api/v1/runbooks/{name}/execute`).
    public func requestFailover(
        runbook: RunbookDefinition, key: IncidentKey, request: OperatorRequest, now: Int64
    ) async throws(IngestError) -> OperatorActionResult {
        try await operatorEvent(.operatorRun(request), runbook: runbook, key: key, actor: request.actor, now: now)
    }

    /// An operator approves or forces a failback (`POST /api/v1/runbooks/{name}/failback`).
    public func requestFailback(
        runbook: RunbookDefinition, key: IncidentKey, request: OperatorRequest, now: Int64
    ) async throws(IngestError) -> OperatorActionResult {
        try await operatorEvent(.operatorFailback(request), runbook: runbook, key: key, actor: request.actor, now: now)
    }

    private func operatorEvent(
        _ event: RunbookKeyEvent, runbook: RunbookDefinition, key: IncidentKey, actor: String, now: Int64
    ) async throws(IngestError) -> OperatorActionResult {
        let settings = settings
        return try await writer.perform { db, audit in
            let record = RunbookKeyRecord(db: db, audit: audit, settings: settings, now: now)
            let outcome = try record.handle(
                event, runbook: runbook, key: key, actor: actor, episodeID: nil, labels: key.map, annotations: [:])
            let action: String
            switch event {
            case .operatorFailback(let request): action = request.force ? "failback.force" : "failback.approve"
            default: action = "execute"
            }
            var detail: [String: AuditValue] = [
                "action": .string(action), "key": .string(key.text),
                "outcome": .string(outcome.transition.refusal == nil ? "accepted" : "refused"),
            ]
            if let refusal = outcome.transition.refusal { detail["refusal"] = .string(refusal) }
            if let id = outcome.scheduledExecutions.first { detail["execution"] = .integer(id) }
            if case .operatorRun(let request) = event {
                detail["dry_run"] = .bool(request.dryRun)
                detail["force"] = .bool(request.force)
            }
            if case .operatorFailback(let request) = event, outcome.transition.refusal == nil {
                _ = try audit.append(
                    AuditEventDraft(
                        type: .runbookFailbackApproved, actor: actor, recordedAtMilliseconds: now,
                        execution: outcome.scheduledExecutions.first, runbook: runbook.name,
                        detail: ["key": .string(key.text), "force": .bool(request.force)]),
                    in: db)
            }
            _ = try audit.append(
                AuditEventDraft(
                    type: .manualAction, actor: actor, recordedAtMilliseconds: now,
                    outcome: outcome.transition.refusal == nil ? .success : .rejected,
                    execution: outcome.scheduledExecutions.first, runbook: runbook.name, detail: AuditDetail(detail)),
                in: db)
            return OperatorActionResult(
                executionID: outcome.scheduledExecutions.first,
                phase: outcome.transition.refusal == nil ? outcome.transition.state.phase : nil,
                refusal: outcome.transition.refusal)
        }
    }

    /// Pauses a runbook: its automatic executions are recorded as suppressed until it is resumed. Returns `false`
    /// when it was paused already (nothing changed).
    public func pause(runbook: String, actor: String, reason: String?, now: Int64) async throws(IngestError) -> Bool {
        try await writer.perform { db, audit in
            try db.execute(
                sql: """
                    INSERT INTO runbook_pauses (runbook, paused_at_ms, paused_by, reason) VALUES (?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """,
                arguments: [runbook, now, actor, reason])
            guard db.changesCount > 0 else { return false }
            _ = try audit.append(
                AuditEventDraft(
                    type: .runbookPaused, actor: actor, recordedAtMilliseconds: now, runbook: runbook,
                    detail: ["reason": reason.map(AuditValue.string) ?? .null]),
                in: db)
            return true
        }
    }

    /// Resumes a paused runbook. Returns `false` when it was not paused.
    public func resume(runbook: String, actor: String, now: Int64) async throws(IngestError) -> Bool {
        try await writer.perform { db, audit in
            try db.execute(sql: "DELETE FROM runbook_pauses WHERE runbook = ?", arguments: [runbook])
            guard db.changesCount > 0 else { return false }
            _ = try audit.append(
                AuditEventDraft(type: .runbookResumed, actor: actor, recordedAtMilliseconds: now, runbook: runbook),
                in: db)
            return true
        }
    }

    /// What a cancel request found.
    public enum CancelOutcome: Sendable, Hashable {
        /// No such execution.
        case unknown
        /// It had ended already (its final state).
        case alreadyFinal(ExecutionState)
        /// It had not started: cancelled now.
        case cancelled
        /// It runs: the worker stops at the next step boundary.
        case requested
    }

    /// An operator cancels an execution: at once when it has not started, else at the next step boundary.
    public func cancel(executionID: Int64, actor: String, now: Int64) async throws(IngestError) -> CancelOutcome {
        let settings = settings
        return try await writer.perform { db, audit in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT runbook, state, started_at_ms FROM executions WHERE id = ?",
                    arguments: [executionID]),
                let state = ExecutionState(rawValue: row["state"])
            else { return .unknown }
            if state.isFinal {
                _ = try audit.append(
                    AuditEventDraft(
                        type: .manualAction, actor: actor, recordedAtMilliseconds: now, outcome: .rejected,
                        execution: executionID, runbook: row["runbook"],
                        detail: [
                            "action": .string("cancel"), "outcome": .string("refused"),
                            "refusal": .string("the execution has already ended: \(state.rawValue)"),
                        ]),
                    in: db)
                return .alreadyFinal(state)
            }
            let outcome: CancelOutcome
            if state == .scheduled {
                try ExecutionEnd(db: db, audit: audit, settings: settings, now: now)
                    .finish(id: executionID, state: .cancelled, error: "cancelled by \(actor)", actor: actor)
                outcome = .cancelled
            } else {
                try db.execute(
                    sql: "UPDATE executions SET cancel_requested_by = ? WHERE id = ?", arguments: [actor, executionID])
                outcome = .requested
            }
            _ = try audit.append(
                AuditEventDraft(
                    type: .manualAction, actor: actor, recordedAtMilliseconds: now, execution: executionID,
                    runbook: row["runbook"],
                    detail: [
                        "action": .string("cancel"),
                        "outcome": .string(outcome == .cancelled ? "cancelled" : "requested at the next step boundary"),
                    ]),
                in: db)
            return outcome
        }
    }
}
