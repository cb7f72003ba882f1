/// The audit layout of runbook decisions: one draft per effect the state machine produced, with the ids the store
/// assigned. Pure: the store appends what this returns in the transaction that carried the effect out.
public enum RunbookAudit {
    /// The draft recording `effect` of runbook key (`runbook`, `key`).
    ///
    /// - Parameters:
    ///   - incidentID: the incident the effect concerns (the one just opened, joined or closed).
    ///   - executionID: the execution it inserted or cancelled.
    ///   - episodeID: the episode that caused it, when an alert did.
    ///   - actor: `engine` for alerts and timers, `token:NAME` for operators.
    public static func draft(
        for effect: RunbookKeyEffect, runbook: String, key: IncidentKey, incidentID: Int64?, executionID: Int64?,
        episodeID: Int64?, actor: String, now: Int64
    ) -> AuditEventDraft {
        var detail: [String: AuditValue] = ["key": .string(key.text)]
        if let incidentID { detail["incident"] = .integer(incidentID) }
        let type: AuditEventType
        var outcome = AuditOutcome.success
        switch effect {
        case .openIncident:
            type = .incidentOpened
        case .joinIncident:
            type = .incidentJoined
        case .closeIncident:
            type = .incidentClosed
        case .schedule(let request):
            type = .runbookScheduled
            describe(request, into: &detail)
        case .suppress(let request, let reason):
            type = .runbookSuppressed
            outcome = .suppressed
            describe(request, into: &detail)
            detail["reason"] = .string(reason.rawValue)
        case .cancel(_, let reason):
            type = .runbookCancelled
            outcome = .cancelled
            detail["reason"] = .string(reason)
        case .failbackScheduled(let due, let approval):
            type = .runbookFailbackScheduled
            detail["due_at"] = .string(Timestamp(milliseconds: due).rfc3339)
            detail["approval_required"] = .bool(approval)
        case .failbackCancelled(let reason):
            type = .runbookFailbackCancelled
            outcome = .cancelled
            detail["reason"] = .string(reason)
        case .phaseChanged(let from, let to):
            type = .runbookStateChanged
            detail["from"] = .string(from.rawValue)
            detail["to"] = .string(to.rawValue)
            detail["active_side"] = .string(to.activeSide)
        }
        return AuditEventDraft(
            type: type, actor: actor, recordedAtMilliseconds: now, outcome: outcome, episode: episodeID,
            execution: executionID, runbook: runbook, detail: AuditDetail(detail))
    }

    private static func describe(_ request: ExecutionRequest, into detail: inout [String: AuditValue]) {
        detail["kind"] = .string(request.kind.rawValue)
        detail["due_at"] = .string(Timestamp(milliseconds: request.dueAtMilliseconds).rfc3339)
        detail["dry_run"] = .bool(request.dryRun)
        detail["forced"] = .bool(request.forced)
        detail["trigger"] = .string(request.trigger.rawValue)
        detail["requested_by"] = .string(request.requestedBy)
    }
}
