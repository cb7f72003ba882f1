import FailoverStore

/// `GET /api/v1/runbooks` as a person reads it.
extension RunbookOverview {
    /// The listing for a person.
    var text: String {
        var lines: [String] = []
        if dryRun { lines.append("dry run: every execution only reads and plans (engine.dry_run)") }
        if runbooks.isEmpty { lines.append("no runbooks are configured") }
        for runbook in runbooks {
            lines.append("")
            lines.append(contentsOf: Self.describe(runbook))
        }
        return lines.drop { $0.isEmpty }.joined(separator: "\n")
    }

    private static func describe(_ runbook: Runbook) -> [String] {
        var heading = "runbook \(runbook.name)"
        if let pause = runbook.pause {
            heading += ": PAUSED since \(pause.pausedAt) by \(pause.pausedBy)"
            if let reason = pause.reason, !reason.isEmpty { heading += " (\(reason))" }
        } else if runbook.paused {
            heading += ": PAUSED"
        }
        if runbook.dryRun { heading += " [dry run]" }
        var settings = [
            "match \(runbook.match.joined(separator: ", "))",
            "key \(runbook.keyLabels.isEmpty ? "(none)" : runbook.keyLabels.joined(separator: ", "))",
            "\(runbook.steps) step\(runbook.steps == 1 ? "" : "s")",
        ]
        let minFiring = DurationText.compact(apiText: runbook.minFiring)
        if minFiring != "0s" { settings.append("min firing \(minFiring)") }
        settings.append(
            runbook.failbackMode == "none"
                ? "failback none"
                : "failback \(runbook.failbackMode) after \(DurationText.compact(apiText: runbook.failbackHold)) "
                    + "(\(runbook.failbackSteps) step\(runbook.failbackSteps == 1 ? "" : "s"))")
        if let budget = runbook.maxExecutions { settings.append("at most \(budget) failovers") }
        var lines = [heading, "  " + settings.joined(separator: "; ")]
        guard !runbook.keys.isEmpty else {
            lines.append("  no key has fired or been acted on yet")
            return lines
        }
        var table = TextTable(header: ["KEY", "PHASE", "ACTIVE", "INCIDENT", "EXECUTION", "FAILBACK", "UPDATED"])
        for key in runbook.keys {
            let state = key.state
            var failback = "-"
            if state.failbackAwaitingApproval {
                failback = "awaiting approval"
            } else if let due = state.failbackDueAt {
                failback = "due \(due)"
            }
            table.append([
                RunbookKeyText.describe(state.key), state.phase.rawValue, state.activeSide,
                state.openIncident.map { "\($0) open" } ?? "-", state.activeExecution.map { "\($0)" } ?? "-",
                failback, state.updatedAt,
            ])
        }
        lines.append(table.render(indent: "  "))
        for key in runbook.keys where !key.lastExecutions.isEmpty {
            lines.append("  last executions of \(RunbookKeyText.describe(key.state.key)):")
            var executions = TextTable(header: ExecutionReport.shortHeader)
            for execution in key.lastExecutions { executions.append(ExecutionReport.shortRow(execution)) }
            lines.append(executions.render(indent: "    "))
        }
        return lines
    }
}
