import FailoverCore
import FailoverStore

extension StatusPageView {
    /// What the service says about itself at the top of the page.
    struct ServiceFacts {
        /// failoverd's version.
        var version: String
        /// `HOST:PORT`.
        var listen: String
        /// When the service started, in milliseconds since the epoch.
        var startedAt: Int64
    }

    /// The page for `snapshot` at `now` (milliseconds since the epoch), reloading every `refresh` seconds when
    /// given.
    init(_ snapshot: StatusPageSnapshot, service: ServiceFacts, now: Int64, refresh: Int?) {
        let shown = Set(snapshot.executions.map(\.id))
        // An execution on this page links to its section, any other to its JSON.
        let executionLink = { (id: Int64) -> Link in
            shown.contains(id) ? StatusPageLink.execution(id) : StatusPageLink.executionJSON(id)
        }
        let openIncidents = Set(snapshot.incidents.map(\.id))
        self.refresh = refresh.map { [Refresh(seconds: $0)] } ?? []
        version = service.version
        listen = service.listen
        startedAt = StatusPageText.time(milliseconds: service.startedAt)
        uptime = StatusPageText.duration(milliseconds: now - service.startedAt)
        ready = snapshot.notReady == nil
        readiness = snapshot.notReady.map { "not ready: \($0)" } ?? "ready: the database takes writes"
        dryRun = snapshot.settings.dryRun
        configuration =
            snapshot.configurationDigest.map { "sha256 \($0)" }
            ?? "no configuration file recorded by this process (defaults and command-line flags)"
        generatedAt = StatusPageText.time(milliseconds: now)
        runbooks = snapshot.settings.catalog.runbooks.map { runbook in
            Runbook(
                runbook, globalDryRun: snapshot.settings.dryRun,
                pause: snapshot.pauses.first { $0.runbook == runbook.name },
                keys: snapshot.keys.filter { $0.runbook == runbook.name }.map { key in
                    Key(
                        key, incident: key.openIncident.map { openIncidents.contains($0) } ?? false,
                        execution: key.activeExecution.map(executionLink))
                },
                suppressed: snapshot.suppressed.filter { $0.runbook == runbook.name })
        }
        incidents = snapshot.incidents.map { incident in
            Incident(
                id: incident.id, runbook: incident.runbook, key: StatusPageText.key(incident.key),
                openedAt: incident.openedAt, firing: incident.episodes.filter(\.firing).count,
                episodeCount: incident.episodes.count, execution: incident.execution.map { [executionLink($0)] } ?? [])
        }
        hasIncidents = !incidents.isEmpty
        executions = snapshot.executions.map { Execution($0, now: now) }
        events = snapshot.events.map { event in
            Event(
                id: event.id, time: event.recordedAt, type: event.type.rawValue, actor: event.actor,
                runbook: event.runbook ?? "-", execution: event.execution.map { [executionLink($0)] } ?? [],
                alertname: event.alertname ?? "-", outcome: event.outcome.rawValue,
                outcomeTone: StatusPageText.tone(event.outcome))
        }
        eventCount = events.count
        endpoints = StatusPageLink.endpoints(latestExecution: snapshot.executions.first?.id)
        headline = Self.headline(snapshot)
    }

    /// `2 runbooks, 1 key on the secondary, 1 open incident`: what an operator looks at first.
    private static func headline(_ snapshot: StatusPageSnapshot) -> String {
        let runbooks = snapshot.settings.catalog.runbooks
        var parts = [StatusPageText.count(runbooks.count, "runbook", "runbooks")]
        let failed = snapshot.keys.filter { $0.phase == .failed }.count
        let away = snapshot.keys.filter { $0.phase != .normal && $0.phase != .failed }.count
        if failed > 0 { parts.append(StatusPageText.count(failed, "key needs", "keys need") + " an operator") }
        if away > 0 { parts.append(StatusPageText.count(away, "key", "keys") + " on or moving to the secondary") }
        if failed == 0, away == 0 { parts.append("every key on the primary") }
        parts.append(StatusPageText.count(snapshot.incidents.count, "open incident", "open incidents"))
        if !snapshot.pauses.isEmpty { parts.append("\(snapshot.pauses.count) paused") }
        if snapshot.settings.dryRun { parts.append("DRY RUN") }
        return parts.joined(separator: ", ")
    }
}

extension StatusPageView.Runbook {
    init(
        _ runbook: RunbookDefinition, globalDryRun: Bool, pause: RunbookPauseView?, keys: [StatusPageView.Key],
        suppressed: [ExecutionRecord]
    ) {
        name = runbook.name
        anchor = StatusPageLink.anchor(runbook: runbook.name)
        match = runbook.matchers.matchers.map(\.description).joined(separator: ", ")
        keyLabels = runbook.keyLabels.isEmpty ? "(none)" : runbook.keyLabels.joined(separator: ", ")
        failback = StatusPageText.failback(runbook.failback)
        flapGuard =
            runbook.maxExecutions.map { "at most \($0.count) failovers per \(StatusPageText.duration($0.per))" }
            ?? "none"
        dryRun = runbook.dryRun || globalDryRun
        paused = pause != nil
        self.pause =
            pause.map { pause in
                [
                    StatusPageView.Pause(
                        pausedBy: pause.pausedBy, pausedAt: pause.pausedAt,
                        reason: pause.reason.flatMap { $0.isEmpty ? nil : $0 } ?? "no reason given")
                ]
            } ?? []
        hasSuppressed = !suppressed.isEmpty
        if let latest = suppressed.first {
            var reasons: [String: Int] = [:]
            for execution in suppressed { reasons[execution.suppressedReason ?? "unknown", default: 0] += 1 }
            let why = reasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            self.suppressed = "\(suppressed.count) in the last 24 hours (\(why)); latest at \(latest.createdAt)"
        } else {
            self.suppressed = "none in the last 24 hours"
        }
        self.keys = keys
        links = StatusPageLink.runbook(runbook.name)
    }
}

extension StatusPageView.Key {
    init(_ key: RunbookKeyView, incident isOpen: Bool, execution: StatusPageView.Link?) {
        labels = StatusPageText.key(key.key)
        phase = key.phase.rawValue
        (side, tone) = StatusPageText.side(key.phase)
        incident =
            key.openIncident.map { [isOpen ? StatusPageLink.incident($0) : StatusPageLink.openIncidents($0)] } ?? []
        self.execution = execution.map { [$0] } ?? []
        failback =
            key.failbackAwaitingApproval
            ? "waits for an operator's approval" : key.failbackDueAt.map { "due at \($0)" } ?? "-"
        lastFailover = key.lastFailoverAt ?? "-"
        lastFailback = key.lastFailbackAt ?? "-"
        updatedAt = key.updatedAt
    }
}
