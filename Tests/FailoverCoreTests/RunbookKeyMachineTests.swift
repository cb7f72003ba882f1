import FailoverCore
import Testing

@Suite("RunbookKeyMachine: (state, event) → (state, effects)")
struct RunbookKeyMachineTests {
    static let now: Int64 = 1_795_279_038_000
    static let startsAt = Timestamp(milliseconds: now - 5_000)

    static func context(
        minFiring: Duration = .zero, mode: FailbackPolicy.Mode = .auto, hold: Duration = .seconds(600),
        paused: Bool = false, recent: Int = 0, budget: ExecutionBudget? = nil, dryRun: Bool = false, now: Int64 = now
    ) -> RunbookKeyContext {
        let runbook = RunbookDefinition(
            name: "failover-us-east", matchers: AlertMatcherSet([]), keyLabels: ["region"], minFiring: minFiring,
            steps: [], failback: FailbackPolicy(mode: mode, hold: hold, steps: []), maxExecutions: budget)
        return RunbookKeyContext(
            now: now, runbook: runbook, paused: paused, recentFailovers: recent, globalDryRun: dryRun)
    }

    static func firing(_ id: Int64 = 1, startsAt: Timestamp = startsAt) -> RunbookKeyEvent {
        .episodeStartedFiring(EpisodeFacts(id: id, startsAt: startsAt))
    }

    /// An open incident whose `firing` episodes fire; the event's episodes are the ones loaded as members.
    static func incident(_ firing: Set<Int64> = [1], id: Int64 = 10) -> OpenIncident {
        OpenIncident(
            id: id, openedAtMilliseconds: now, startsAt: startsAt, firingCount: firing.count,
            members: Dictionary(uniqueKeysWithValues: firing.map { ($0, true) }))
    }

    static func alertFailover(dueAt: Int64 = now, dryRun: Bool = false) -> ExecutionRequest {
        ExecutionRequest(
            kind: .failover, dueAtMilliseconds: dueAt, dryRun: dryRun, forced: false, trigger: .alert,
            requestedBy: "engine", forIncident: true, movesKey: !dryRun)
    }

    static func handle(
        _ event: RunbookKeyEvent, _ state: RunbookKeyState, _ context: RunbookKeyContext = context()
    )
        -> RunbookKeyTransition
    {
        RunbookKeyMachine.handle(event, state: state, context: context)
    }

    // MARK: Alerts

    @Test("normal + first firing: incident opens, failover scheduled now, failing_over")
    func firstFiring() {
        let result = Self.handle(Self.firing(), RunbookKeyState())
        #expect(
            result.effects == [
                .openIncident(firstEpisode: 1), .schedule(Self.alertFailover()),
                .phaseChanged(from: .normal, to: .failingOver),
            ])
        #expect(result.state.phase == .failingOver)
        #expect(result.state.incident?.firingCount == 1 && result.state.incident?.members == [1: true])
        #expect(
            result.state.activeExecution
                == ExecutionReference(id: 0, kind: .failover, state: .scheduled, trigger: .alert))
    }

    @Test("min_firing: due at startsAt + min_firing (or now when that passed)")
    func minFiring() {
        let due = Self.handle(Self.firing(), RunbookKeyState(), Self.context(minFiring: .seconds(30)))
        #expect(
            due.effects.contains(.schedule(Self.alertFailover(dueAt: Self.startsAt.millisecondsSinceEpoch + 30_000))))
        let passed = Self.handle(Self.firing(), RunbookKeyState(), Self.context(minFiring: .seconds(1)))
        #expect(passed.effects.contains(.schedule(Self.alertFailover(dueAt: Self.now))))
    }

    @Test(
        "another firing episode with the same key joins; a repeat of a member does nothing",
        arguments: RunbookKeyPhase.allCases)
    func joins(phase: RunbookKeyPhase) {
        let state = RunbookKeyState(phase: phase, incident: Self.incident())
        let second = Self.handle(Self.firing(2), state)
        #expect(second.effects == [.joinIncident(episodeID: 2)])
        #expect(second.state.incident?.firingCount == 2)
        #expect(second.state.phase == phase)
        #expect(Self.handle(Self.firing(1), state).effects.isEmpty)
    }

    @Test("a new incident while failing over or failed over starts nothing")
    func noSecondFailover() {
        for phase in [RunbookKeyPhase.failingOver, .failedOver] {
            let result = Self.handle(Self.firing(), RunbookKeyState(phase: phase))
            #expect(result.effects == [.openIncident(firstEpisode: 1)])
            #expect(result.state.phase == phase)
        }
    }

    @Test("paused or past the flap guard: the failover is recorded as suppressed, the key stays normal")
    func suppressed() {
        let paused = Self.handle(Self.firing(), RunbookKeyState(), Self.context(paused: true))
        #expect(paused.effects == [.openIncident(firstEpisode: 1), .suppress(Self.alertFailover(), .paused)])
        #expect(paused.state.phase == .normal)
        let guarded = Self.handle(
            Self.firing(), RunbookKeyState(),
            Self.context(recent: 3, budget: ExecutionBudget(count: 3, per: .seconds(3600))))
        #expect(guarded.effects == [.openIncident(firstEpisode: 1), .suppress(Self.alertFailover(), .maxExecutions)])
        let within = Self.handle(
            Self.firing(), RunbookKeyState(),
            Self.context(recent: 2, budget: ExecutionBudget(count: 3, per: .seconds(3600))))
        #expect(within.state.phase == .failingOver)
    }

    @Test("a failed key records the failover as suppressed until an operator acts")
    func failedKey() {
        let result = Self.handle(Self.firing(), RunbookKeyState(phase: .failed))
        #expect(result.effects == [.openIncident(firstEpisode: 1), .suppress(Self.alertFailover(), .keyFailed)])
        #expect(result.state.phase == .failed)
    }

    @Test("dry run: the execution is scheduled as a dry run and the key does not move")
    func dryRunDoesNotMove() {
        let result = Self.handle(Self.firing(), RunbookKeyState(), Self.context(dryRun: true))
        #expect(result.effects == [.openIncident(firstEpisode: 1), .schedule(Self.alertFailover(dryRun: true))])
        #expect(result.state.phase == .normal && result.state.activeExecution == nil)
    }

    @Test("a member that resolved and fires again counts again, without joining twice")
    func memberFiresAgain() {
        var incident = Self.incident([1, 2])
        incident.members[2] = false
        incident.firingCount = 1
        let result = Self.handle(Self.firing(2), RunbookKeyState(phase: .failedOver, incident: incident))
        #expect(result.effects.isEmpty)
        #expect(result.state.incident?.firingCount == 2 && result.state.incident?.members[2] == true)
    }

    @Test("the incident closes only when its last firing episode resolves")
    func closesWithLast() {
        let state = RunbookKeyState(phase: .failedOver, incident: Self.incident([1, 2]))
        let first = Self.handle(.episodeStoppedFiring(episodeID: 1), state)
        #expect(first.effects.isEmpty && first.state.incident?.firingCount == 1)
        let last = Self.handle(.episodeStoppedFiring(episodeID: 2), first.state)
        #expect(last.effects.first == .closeIncident(incidentID: 10))
        #expect(last.state.incident == nil && last.state.lastResolvedAtMilliseconds == Self.now)
        // A resolved of an episode that is not a member changes nothing.
        #expect(Self.handle(.episodeStoppedFiring(episodeID: 99), state).effects.isEmpty)
    }

    @Test("resolved before a scheduled failover started: cancelled, back to normal")
    func cancelBeforeStart() {
        let state = RunbookKeyState(
            phase: .failingOver, incident: Self.incident(),
            activeExecution: ExecutionReference(id: 5, kind: .failover, state: .scheduled, trigger: .alert))
        let result = Self.handle(.episodeStoppedFiring(episodeID: 1), state)
        #expect(
            result.effects == [
                .closeIncident(incidentID: 10),
                .cancel(executionID: 5, reason: "the incident resolved before the failover started"),
                .phaseChanged(from: .failingOver, to: .normal),
            ])
        #expect(result.state.activeExecution == nil)
    }

    @Test("resolved while the failover runs: nothing now; the failback hold starts when it succeeds")
    func resolvedWhileRunning() {
        let state = RunbookKeyState(
            phase: .failingOver, incident: Self.incident(),
            activeExecution: ExecutionReference(id: 5, kind: .failover, state: .running, trigger: .alert))
        let resolved = Self.handle(.episodeStoppedFiring(episodeID: 1), state)
        #expect(resolved.effects == [.closeIncident(incidentID: 10)])
        let later = Self.context(now: Self.now + 60_000)
        let ended = Self.handle(
            .executionEnded(ExecutionEnding(id: 5, kind: .failover, state: .succeeded, started: true, dryRun: false)),
            resolved.state, later)
        #expect(
            ended.effects == [
                .phaseChanged(from: .failingOver, to: .failedOver),
                .failbackScheduled(dueAtMilliseconds: Self.now + 600_000, approvalRequired: false),
            ])
    }

    // MARK: Failback

    @Test("failed over, incident closes: auto schedules after the hold, manual waits for approval, none does nothing")
    func failbackModes() {
        let state = RunbookKeyState(phase: .failedOver, incident: Self.incident())
        let auto = Self.handle(.episodeStoppedFiring(episodeID: 1), state, Self.context(mode: .auto))
        #expect(auto.effects.last == .failbackScheduled(dueAtMilliseconds: Self.now + 600_000, approvalRequired: false))
        #expect(auto.state.failbackDueAtMilliseconds == Self.now + 600_000 && !auto.state.failbackAwaitingApproval)
        let manual = Self.handle(.episodeStoppedFiring(episodeID: 1), state, Self.context(mode: .manual))
        #expect(
            manual.effects.last == .failbackScheduled(dueAtMilliseconds: Self.now + 600_000, approvalRequired: true))
        #expect(manual.state.failbackAwaitingApproval)
        let none = Self.handle(.episodeStoppedFiring(episodeID: 1), state, Self.context(mode: .none))
        #expect(none.effects == [.closeIncident(incidentID: 10)])
        #expect(none.state.failbackDueAtMilliseconds == nil)
    }

    @Test("the hold ends: auto starts the failback; before its time, nothing; manual only marks the hold as passed")
    func holdElapsed() {
        let waiting = RunbookKeyState(phase: .failedOver, failbackDueAtMilliseconds: Self.now)
        let early = Self.handle(.failbackHoldElapsed, waiting, Self.context(now: Self.now - 1))
        #expect(early.effects.isEmpty && early.state == waiting)
        let auto = Self.handle(.failbackHoldElapsed, waiting)
        #expect(
            auto.effects == [
                .schedule(
                    ExecutionRequest(
                        kind: .failback, dueAtMilliseconds: Self.now, dryRun: false, forced: false, trigger: .alert,
                        requestedBy: "engine", forIncident: false, movesKey: true)),
                .phaseChanged(from: .failedOver, to: .failingBack),
            ])
        var manualState = waiting
        manualState.failbackAwaitingApproval = true
        let manual = Self.handle(.failbackHoldElapsed, manualState, Self.context(mode: .manual))
        #expect(manual.effects.isEmpty)
        #expect(manual.state.failbackDueAtMilliseconds == nil && manual.state.failbackAwaitingApproval)
    }

    @Test("a new firing during the hold cancels the failback")
    func firingCancelsHold() {
        let waiting = RunbookKeyState(phase: .failedOver, failbackDueAtMilliseconds: Self.now + 1000)
        let result = Self.handle(Self.firing(2), waiting)
        #expect(
            result.effects == [
                .openIncident(firstEpisode: 2),
                .failbackCancelled(reason: "the alert fired again during the failback hold"),
            ])
        #expect(result.state.failbackDueAtMilliseconds == nil && result.state.phase == .failedOver)
    }

    @Test("a firing during the failback fails over again when the failback ends")
    func refire() {
        let backing = RunbookKeyState(
            phase: .failingBack,
            activeExecution: ExecutionReference(id: 7, kind: .failback, state: .running, trigger: .alert))
        let fired = Self.handle(Self.firing(3), backing)
        #expect(fired.state.refireAfterFailback)
        let ended = Self.handle(
            .executionEnded(ExecutionEnding(id: 7, kind: .failback, state: .succeeded, started: true, dryRun: false)),
            fired.state)
        #expect(
            ended.effects == [
                .phaseChanged(from: .failingBack, to: .normal), .schedule(Self.alertFailover()),
                .phaseChanged(from: .normal, to: .failingOver),
            ])
        #expect(!ended.state.refireAfterFailback)
    }

    @Test("failures and cancels midway leave the key failed; a cancel before the first step undoes the phase")
    func endings() {
        func ended(
            _ kind: ExecutionKind, _ state: ExecutionState, started: Bool, from phase: RunbookKeyPhase
        ) -> RunbookKeyPhase {
            let active = ExecutionReference(id: 1, kind: kind, state: .running, trigger: .alert)
            return Self.handle(
                .executionEnded(ExecutionEnding(id: 1, kind: kind, state: state, started: started, dryRun: false)),
                RunbookKeyState(phase: phase, activeExecution: active)
            ).state.phase
        }
        #expect(ended(.failover, .succeeded, started: true, from: .failingOver) == .failedOver)
        #expect(ended(.failover, .failed, started: true, from: .failingOver) == .failed)
        #expect(ended(.failover, .cancelled, started: true, from: .failingOver) == .failed)
        #expect(ended(.failover, .cancelled, started: false, from: .failingOver) == .normal)
        #expect(ended(.failback, .succeeded, started: true, from: .failingBack) == .normal)
        #expect(ended(.failback, .failed, started: true, from: .failingBack) == .failed)
        #expect(ended(.failback, .cancelled, started: false, from: .failingBack) == .failedOver)
        // A dry run never moves the key.
        let dry = Self.handle(
            .executionEnded(ExecutionEnding(id: 1, kind: .failover, state: .failed, started: true, dryRun: true)),
            RunbookKeyState(phase: .normal))
        #expect(dry.state.phase == .normal && dry.effects.isEmpty)
    }

    // MARK: Operators

    @Test("operator execute: allowed in normal and failed; refused (409) while moving or failed over unless forced")
    func operatorRun() {
        let admin = OperatorRequest(actor: "admin:bearer")
        let forced = OperatorRequest(actor: "admin:bearer", force: true)
        #expect(Self.handle(.operatorRun(admin), RunbookKeyState()).state.phase == .failingOver)
        #expect(Self.handle(.operatorRun(admin), RunbookKeyState(phase: .failed)).state.phase == .failingOver)
        let over = Self.handle(.operatorRun(admin), RunbookKeyState(phase: .failedOver))
        #expect(over.refusal?.contains("already failed over") == true && over.effects.isEmpty)
        #expect(Self.handle(.operatorRun(forced), RunbookKeyState(phase: .failedOver)).refusal == nil)
        let busy = RunbookKeyState(
            phase: .failingOver,
            activeExecution: ExecutionReference(id: 4, kind: .failover, state: .running, trigger: .alert))
        #expect(Self.handle(.operatorRun(forced), busy).refusal?.contains("execution 4") == true)
        #expect(
            Self.handle(.operatorRun(admin), RunbookKeyState(), Self.context(paused: true)).refusal?.contains("paused")
                == true)
        #expect(Self.handle(.operatorRun(forced), RunbookKeyState(), Self.context(paused: true)).refusal == nil)
    }

    @Test("operator dry run: scheduled as a dry run whatever the phase, the key does not move")
    func operatorDryRun() {
        for phase in RunbookKeyPhase.allCases {
            let result = Self.handle(
                .operatorRun(OperatorRequest(actor: "a", dryRun: true)), RunbookKeyState(phase: phase))
            #expect(result.refusal == nil && result.state.phase == phase)
            guard case .schedule(let request) = result.effects.first else {
                Issue.record("no execution scheduled")
                continue
            }
            #expect(request.dryRun && !request.movesKey)
        }
    }

    @Test("operator failback: needs a failed-over key, no firing incident and a passed hold, unless forced")
    func operatorFailback() {
        let admin = OperatorRequest(actor: "admin:bearer")
        let forced = OperatorRequest(actor: "admin:bearer", force: true)
        #expect(Self.handle(.operatorFailback(admin), RunbookKeyState()).refusal?.contains("not failed over") == true)
        let firing = RunbookKeyState(phase: .failedOver, incident: Self.incident())
        #expect(Self.handle(.operatorFailback(admin), firing).refusal?.contains("still firing") == true)
        #expect(Self.handle(.operatorFailback(forced), firing).refusal == nil)
        let holding = RunbookKeyState(
            phase: .failedOver, failbackDueAtMilliseconds: Self.now + 1, failbackAwaitingApproval: true)
        #expect(Self.handle(.operatorFailback(admin), holding).refusal?.contains("hold ends") == true)
        let approved = Self.handle(
            .operatorFailback(admin), RunbookKeyState(phase: .failedOver, failbackAwaitingApproval: true))
        #expect(
            approved.refusal == nil && approved.state.phase == .failingBack && !approved.state.failbackAwaitingApproval)
        #expect(Self.handle(.operatorFailback(admin), RunbookKeyState(phase: .failed)).state.phase == .failingBack)
    }

    @Test("a refusal changes nothing")
    func refusalIsPure() {
        let state = RunbookKeyState(phase: .failedOver, incident: Self.incident(), failbackDueAtMilliseconds: 5)
        let result = Self.handle(.operatorFailback(OperatorRequest(actor: "a")), state)
        #expect(result.refusal != nil && result.state == state && result.effects.isEmpty)
    }

    @Test("every event in every phase yields a state whose phase matches what it runs")
    func invariants() {
        let events: [RunbookKeyEvent] = [
            Self.firing(1), Self.firing(2), .episodeStoppedFiring(episodeID: 1), .failbackHoldElapsed,
            .operatorRun(OperatorRequest(actor: "a")), .operatorFailback(OperatorRequest(actor: "a", force: true)),
            .executionEnded(ExecutionEnding(id: 1, kind: .failover, state: .succeeded, started: true, dryRun: false)),
            .executionEnded(ExecutionEnding(id: 1, kind: .failback, state: .failed, started: true, dryRun: false)),
        ]
        for phase in RunbookKeyPhase.allCases {
            for incident in [nil, Self.incident()] {
                for event in events {
                    let active: ExecutionReference? =
                        phase == .failingOver || phase == .failingBack
                        ? ExecutionReference(
                            id: 1, kind: phase == .failingOver ? .failover : .failback, state: .running, trigger: .alert
                        )
                        : nil
                    let result = Self.handle(
                        event, RunbookKeyState(phase: phase, incident: incident, activeExecution: active),
                        Self.context(hold: .zero))
                    let state = result.state
                    // Moving phases always have their execution; resting phases never do.
                    switch state.phase {
                    case .failingOver: #expect(state.activeExecution?.kind == .failover, "\(phase) \(event)")
                    case .failingBack: #expect(state.activeExecution?.kind == .failback, "\(phase) \(event)")
                    case .normal, .failedOver, .failed: #expect(state.activeExecution == nil, "\(phase) \(event)")
                    }
                    // At most one failover is scheduled per event.
                    let scheduled = result.effects.filter {
                        if case .schedule(let request) = $0 { return request.kind == .failover && request.movesKey }
                        return false
                    }
                    #expect(scheduled.count <= 1)
                }
            }
        }
    }
}
