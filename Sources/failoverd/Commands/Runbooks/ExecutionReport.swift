import FailoverCore
import FailoverStore

/// Executions for a person: a list, or one execution with its step timeline.
enum ExecutionReport {
    /// The columns of a list of executions of several runbooks.
    static let header = ["ID", "RUNBOOK", "KEY", "KIND", "STATE", "TRIGGER", "BY", "CREATED", "FINISHED"]
    /// The columns of a list of executions of one runbook key.
    static let shortHeader = ["ID", "KIND", "STATE", "TRIGGER", "BY", "CREATED", "FINISHED"]

    /// A row under ``header``.
    static func row(_ execution: ExecutionRecord) -> [String] {
        let short = shortRow(execution)
        return [short[0], execution.runbook, RunbookKeyText.describe(execution.key)] + short.dropFirst()
    }

    /// A row under ``shortHeader``.
    static func shortRow(_ execution: ExecutionRecord) -> [String] {
        var state = execution.state.rawValue
        if execution.dryRun { state += " (dry run)" }
        if execution.forced { state += " (forced)" }
        return [
            "\(execution.id)", execution.kind.rawValue, state, execution.trigger.rawValue, execution.requestedBy,
            execution.createdAt, execution.finishedAt ?? "-",
        ]
    }

    /// A list of executions, newest first, with the cursor of the next page when there is one.
    static func list(_ executions: [ExecutionRecord], next: String?) -> String {
        guard !executions.isEmpty else { return "no executions" }
        var table = TextTable(header: header)
        for execution in executions { table.append(row(execution)) }
        var text = table.render()
        if let next { text += "\nmore: --cursor \(next)" }
        return text
    }

    /// One execution: what, for which key, how it stands, and its steps in order with what each changed.
    static func detail(_ execution: ExecutionRecord) -> String {
        var lines = [
            "execution \(execution.id): \(execution.kind.rawValue) of \(execution.runbook) for "
                + "\(RunbookKeyText.describe(execution.key)): \(execution.state.rawValue)"
        ]
        var how = ["trigger \(execution.trigger.rawValue)", "requested by \(execution.requestedBy)"]
        if execution.dryRun { how.append("dry run") }
        if execution.forced { how.append("forced") }
        if let incident = execution.incident { how.append("incident \(incident)") }
        lines.append("  " + how.joined(separator: ", "))
        var times = ["created \(execution.createdAt)", "due \(execution.dueAt)"]
        if let started = execution.startedAt { times.append("started \(started)") }
        if let finished = execution.finishedAt { times.append("finished \(finished)") }
        lines.append("  " + times.joined(separator: ", "))
        if execution.claims > 1 {
            lines.append("  claimed \(execution.claims) times (resumed after an interruption)")
        }
        if let reason = execution.suppressedReason { lines.append("  suppressed: \(reason)") }
        if let by = execution.cancelRequestedBy { lines.append("  cancel requested by \(by)") }
        if let error = execution.error { lines.append("  error: \(error)") }
        guard let steps = execution.steps, !steps.isEmpty else {
            lines.append(execution.state == .scheduled ? "  no step has run yet" : "  no steps recorded")
            return lines.joined(separator: "\n")
        }
        var table = TextTable(header: ["STEP", "KIND", "STATE", "ATTEMPTS", "SUMMARY"])
        for step in steps {
            let label = step.name.map { "\(step.path) \($0)" } ?? step.path
            table.append([label, step.kind, step.state.rawValue, "\(step.attempts)", step.summary ?? "-"])
            if let change = change(step) { table.append(["", "", "", "", change]) }
            if let error = step.error, error != step.summary { table.append(["", "", "", "", "error: \(error)"]) }
        }
        lines.append(table.render(indent: "  "))
        return lines.joined(separator: "\n")
    }

    /// `before 192.0.2.10 ttl=300 -> after 198.51.100.5 ttl=300` from a step's detail, when it records both.
    static func change(_ step: ExecutionStepRecord) -> String? {
        guard let values = try? AuditDetail(storedJSON: step.detail).values(),
            let before = strings(values["before"]), let after = strings(values["after"])
        else { return nil }
        func side(_ records: [String]) -> String { records.isEmpty ? "(none)" : records.joined(separator: ", ") }
        return "before \(side(before)) -> after \(side(after))"
    }

    private static func strings(_ value: AuditValue?) -> [String]? {
        guard case .array(let items) = value else { return nil }
        return items.compactMap { item in
            if case .string(let text) = item { return text }
            return nil
        }
    }
}
