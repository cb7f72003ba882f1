/// The runbook-key state machine: `(state, event) → (state, effects)`, pure.
///
/// Phases: `normal → failing_over → failed_over → failing_back → normal`, plus `failed`. The rules:
/// - one incident per key at a time; every firing episode of the key joins it, none starts a second failover;
/// - a failover is scheduled when an incident opens in `normal` (due at `startsAt + min_firing`), unless the runbook
///   is paused or the flap guard is reached (then it is recorded as suppressed); it is cancelled if the incident
///   resolves before it started;
/// - once the incident closes in `failed_over`, failback follows `failback.mode` after `hold`; a new firing during
///   the hold cancels it; a firing during a failback is acted on when the failback ends;
/// - failback never starts without a resolved notification or an operator;
/// - a dry run never moves the key.
public enum RunbookKeyMachine {
    /// Handles one event.
    public static func handle(
        _ event: RunbookKeyEvent, state: RunbookKeyState, context: RunbookKeyContext
    ) -> RunbookKeyTransition {
        var machine = Run(state: state, context: context)
        switch event {
        case .episodeStartedFiring(let episode): machine.episodeStartedFiring(episode)
        case .episodeStoppedFiring(let id): machine.episodeStoppedFiring(id)
        case .executionEnded(let ending): machine.executionEnded(ending)
        case .failbackHoldElapsed: machine.failbackHoldElapsed()
        case .operatorRun(let request): machine.operatorRun(request)
        case .operatorFailback(let request): machine.operatorFailback(request)
        }
        if let refusal = machine.refusal {
            return RunbookKeyTransition(state: state, effects: [], refusal: refusal)
        }
        return RunbookKeyTransition(state: machine.state, effects: machine.effects)
    }

    private struct Run {
        var state: RunbookKeyState
        let context: RunbookKeyContext
        var effects: [RunbookKeyEffect] = []
        var refusal: String?

        init(state: RunbookKeyState, context: RunbookKeyContext) {
            self.state = state
            self.context = context
        }

        var now: Int64 { context.now }

        mutating func move(to phase: RunbookKeyPhase) {
            guard state.phase != phase else { return }
            effects.append(.phaseChanged(from: state.phase, to: phase))
            state.phase = phase
        }

        // MARK: Alerts

        mutating func episodeStartedFiring(_ episode: EpisodeFacts) {
            if var incident = state.incident {
                switch incident.members[episode.id] {
                case nil:
                    effects.append(.joinIncident(episodeID: episode.id))
                    incident.firingCount += 1
                case false?:
                    incident.firingCount += 1
                case true?:
                    break
                }
                incident.members[episode.id] = true
                if episode.startsAt < incident.startsAt { incident.startsAt = episode.startsAt }
                state.incident = incident
                return
            }
            state.incident = OpenIncident(
                id: 0, openedAtMilliseconds: now, startsAt: episode.startsAt, firingCount: 1,
                members: [episode.id: true])
            effects.append(.openIncident(firstEpisode: episode.id))
            if state.failbackDueAtMilliseconds != nil || state.failbackAwaitingApproval {
                state.failbackDueAtMilliseconds = nil
                state.failbackAwaitingApproval = false
                effects.append(.failbackCancelled(reason: "the alert fired again during the failback hold"))
            }
            switch state.phase {
            case .normal:
                startFailover(dueAt: max(now, episode.startsAt.millisecondsSinceEpoch + context.minFiring.milliseconds))
            case .failingOver, .failedOver:
                break
            case .failingBack:
                state.refireAfterFailback = true
            case .failed:
                effects.append(.suppress(alertFailover(dueAt: now), .keyFailed))
            }
        }

        mutating func episodeStoppedFiring(_ episodeID: Int64) {
            guard var incident = state.incident, incident.members[episodeID] == true else { return }
            incident.members[episodeID] = false
            incident.firingCount = max(0, incident.firingCount - 1)
            guard incident.firingCount == 0 else {
                state.incident = incident
                return
            }
            state.incident = nil
            state.lastResolvedAtMilliseconds = now
            effects.append(.closeIncident(incidentID: incident.id))
            state.refireAfterFailback = false
            if let active = state.activeExecution, active.state == .scheduled, active.kind == .failover,
                active.trigger == .alert
            {
                effects.append(
                    .cancel(executionID: active.id, reason: "the incident resolved before the failover started"))
                state.activeExecution = nil
                if state.phase == .failingOver { move(to: .normal) }
                return
            }
            if state.phase == .failedOver { scheduleFailback(holdFrom: now) }
        }

        // MARK: Executions and timers

        mutating func executionEnded(_ ending: ExecutionEnding) {
            if state.activeExecution?.id == ending.id { state.activeExecution = nil }
            guard !ending.dryRun else { return }
            switch (ending.kind, ending.state) {
            case (.failover, .succeeded):
                move(to: .failedOver)
                if state.incident == nil { scheduleFailback(holdFrom: state.lastResolvedAtMilliseconds ?? now) }
            case (.failover, .cancelled) where !ending.started:
                move(to: .normal)
            case (.failback, .succeeded):
                move(to: .normal)
                if let incident = state.incident, state.refireAfterFailback || incident.firingCount > 0 {
                    state.refireAfterFailback = false
                    startFailover(dueAt: now)
                }
            case (.failback, .cancelled) where !ending.started:
                move(to: .failedOver)
            case (_, .failed), (_, .cancelled):
                move(to: .failed)
            default:
                break
            }
        }

        mutating func failbackHoldElapsed() {
            guard let due = state.failbackDueAtMilliseconds, due <= now else { return }
            state.failbackDueAtMilliseconds = nil
            guard state.phase == .failedOver, state.incident == nil, !state.failbackAwaitingApproval else { return }
            guard context.failback == .auto else { return }
            startFailback(trigger: .alert, actor: "engine", forced: false)
        }

        // MARK: Operators

        mutating func operatorRun(_ request: OperatorRequest) {
            if request.dryRun || context.dryRun {
                effects.append(
                    .schedule(
                        ExecutionRequest(
                            kind: .failover, dueAtMilliseconds: now, dryRun: true, forced: request.force,
                            trigger: .operator, requestedBy: request.actor, forIncident: state.incident != nil,
                            movesKey: false)))
                return
            }
            if let active = state.activeExecution {
                refusal = "execution \(active.id) (\(active.kind.rawValue)) is \(active.state.rawValue) for this key"
                return
            }
            switch state.phase {
            case .normal, .failed:
                break
            case .failedOver where request.force:
                break
            case .failedOver:
                refusal = "the key is already failed over; fail back first, or force to run the failover steps again"
                return
            case .failingOver, .failingBack:
                refusal = "an execution is in progress for this key"
                return
            }
            if context.paused && !request.force {
                refusal = "the runbook is paused; resume it, or force"
                return
            }
            if context.budgetExhausted && !request.force, let budget = context.budget {
                refusal =
                    "the flap guard allows \(budget.count) failovers per \(budget.per) and \(context.recentFailovers) ran; force to run anyway"
                return
            }
            state.failbackDueAtMilliseconds = nil
            state.failbackAwaitingApproval = false
            let execution = ExecutionRequest(
                kind: .failover, dueAtMilliseconds: now, dryRun: false, forced: request.force, trigger: .operator,
                requestedBy: request.actor, forIncident: state.incident != nil, movesKey: true)
            effects.append(.schedule(execution))
            state.activeExecution = ExecutionReference(id: 0, kind: .failover, state: .scheduled, trigger: .operator)
            move(to: .failingOver)
        }

        mutating func operatorFailback(_ request: OperatorRequest) {
            if let active = state.activeExecution {
                refusal = "execution \(active.id) (\(active.kind.rawValue)) is \(active.state.rawValue) for this key"
                return
            }
            switch state.phase {
            case .failedOver, .failed:
                break
            case .normal:
                refusal = "the key is not failed over: the primary is active, nothing to fail back"
                return
            case .failingOver, .failingBack:
                refusal = "an execution is in progress for this key"
                return
            }
            if let incident = state.incident, !request.force {
                refusal = "incident \(incident.id) is still firing; wait until it resolves, or force"
                return
            }
            if let due = state.failbackDueAtMilliseconds, due > now, !request.force {
                refusal = "the failback hold ends at \(Timestamp(milliseconds: due).rfc3339); wait, or force"
                return
            }
            if request.dryRun || context.dryRun {
                effects.append(
                    .schedule(
                        ExecutionRequest(
                            kind: .failback, dueAtMilliseconds: now, dryRun: true, forced: request.force,
                            trigger: .operator, requestedBy: request.actor, forIncident: false, movesKey: false)))
                return
            }
            state.failbackDueAtMilliseconds = nil
            state.failbackAwaitingApproval = false
            startFailback(trigger: .operator, actor: request.actor, forced: request.force)
        }

        // MARK: Helpers

        func alertFailover(dueAt: Int64) -> ExecutionRequest {
            ExecutionRequest(
                kind: .failover, dueAtMilliseconds: dueAt, dryRun: context.dryRun, forced: false, trigger: .alert,
                requestedBy: "engine", forIncident: true, movesKey: !context.dryRun)
        }

        mutating func startFailover(dueAt: Int64) {
            let execution = alertFailover(dueAt: dueAt)
            if context.paused {
                effects.append(.suppress(execution, .paused))
                return
            }
            if context.budgetExhausted {
                effects.append(.suppress(execution, .maxExecutions))
                return
            }
            effects.append(.schedule(execution))
            if execution.movesKey {
                state.activeExecution = ExecutionReference(id: 0, kind: .failover, state: .scheduled, trigger: .alert)
                move(to: .failingOver)
            }
        }

        mutating func startFailback(trigger: ExecutionTrigger, actor: String, forced: Bool) {
            let execution = ExecutionRequest(
                kind: .failback, dueAtMilliseconds: now, dryRun: false, forced: forced, trigger: trigger,
                requestedBy: actor, forIncident: false, movesKey: true)
            effects.append(.schedule(execution))
            state.activeExecution = ExecutionReference(id: 0, kind: .failback, state: .scheduled, trigger: trigger)
            move(to: .failingBack)
        }

        mutating func scheduleFailback(holdFrom resolvedAt: Int64) {
            switch context.failback {
            case .none:
                return
            case .auto, .manual:
                let due = max(resolvedAt + context.hold.milliseconds, now)
                state.failbackDueAtMilliseconds = due
                state.failbackAwaitingApproval = context.failback == .manual
                effects.append(
                    .failbackScheduled(dueAtMilliseconds: due, approvalRequired: context.failback == .manual))
            }
        }
    }
}

extension Timestamp {
    /// The instant `milliseconds` after the epoch.
    public init(milliseconds: Int64) {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        self.init(secondsSinceEpoch: seconds, nanoseconds: Int32((milliseconds - seconds * 1000) * 1_000_000))
    }
}
