import FailoverCore
import FailoverStore

extension StatusPageView.Execution {
    /// An execution as the page shows it; `now` (milliseconds) measures one still running.
    init(_ record: ExecutionRecord, now: Int64) {
        id = record.id
        runbook = record.runbook
        key = StatusPageText.key(record.key)
        kind = record.kind.rawValue
        var state = record.state.rawValue
        if record.dryRun { state += " (dry run)" }
        if record.forced { state += " (forced)" }
        self.state = state
        tone = StatusPageText.tone(record.state)
        var trigger = "\(record.trigger.rawValue), requested by \(record.requestedBy)"
        if let incident = record.incident { trigger += ", incident \(incident)" }
        self.trigger = trigger
        createdAt = record.createdAt
        startedAt = record.startedAt ?? "-"
        finishedAt = record.finishedAt ?? "-"
        duration =
            record.state == .running
            ? StatusPageText.duration(from: record.startedAt, to: StatusPageText.time(milliseconds: now))
            : StatusPageText.duration(from: record.startedAt, to: record.finishedAt)
        var notes: [String] = []
        if let reason = record.suppressedReason { notes.append("suppressed: \(reason)") }
        if let error = record.error { notes.append("error: \(error)") }
        if let by = record.cancelRequestedBy { notes.append("cancel requested by \(by)") }
        if record.claims > 1 { notes.append("claimed \(record.claims) times (resumed after an interruption)") }
        self.notes = notes
        hasNotes = !notes.isEmpty
        steps = (record.steps ?? []).map(StatusPageView.Step.init)
        hasSteps = !steps.isEmpty
        noSteps =
            switch record.state {
            case .scheduled: "No step has run yet: due at \(record.dueAt)."
            case .suppressed: "Not run: suppressed."
            default: "No step was recorded."
            }
        links = [StatusPageLink.executionJSON(record.id), StatusPageLink.executionAudit(record.id)]
    }
}

extension StatusPageView.Step {
    /// A recorded step as the page shows it.
    init(_ record: ExecutionStepRecord) {
        path = record.path
        kind = record.kind
        stepName = record.name ?? ""
        stepState = record.state.rawValue
        stepTone = StatusPageText.tone(record.state)
        attempts = record.runs > 1 ? "\(record.attempts) (\(record.runs) runs)" : "\(record.attempts)"
        took =
            record.state == .running
            ? "running" : StatusPageText.duration(from: record.startedAt, to: record.finishedAt)
        summary = record.summary ?? "-"
        failure = record.error.flatMap { $0 == record.summary ? nil : [$0] } ?? []
        change = Self.change(detail: record.detail).map { [$0] } ?? []
    }

    /// The record set before → after from a `dns` step's detail (`record`, `provider`, `before`, `after`); `nil`
    /// for any other step.
    static func change(detail: String) -> StatusPageView.Change? {
        guard let facts = try? AuditDetail(storedJSON: detail).values(),
            case .array(let before)? = facts["before"], case .array(let after)? = facts["after"]
        else { return nil }
        func records(_ values: [AuditValue]) -> String {
            let texts = values.compactMap { value -> String? in
                guard case .string(let text) = value else { return nil }
                return text
            }
            return texts.isEmpty ? "(none)" : texts.joined(separator: ", ")
        }
        var record = "record set"
        if case .string(let name)? = facts["record"] { record = name }
        if case .string(let provider)? = facts["provider"] { record += " at \(provider)" }
        return StatusPageView.Change(record: record, before: records(before), after: records(after))
    }
}
