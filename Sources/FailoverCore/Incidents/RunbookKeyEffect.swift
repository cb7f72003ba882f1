/// What the state machine asks the store to carry out, in order, in the transaction that handled the event.
public enum RunbookKeyEffect: Sendable, Hashable {
    /// Insert the new open incident (the state's ``RunbookKeyState/incident`` with id 0).
    case openIncident(firstEpisode: Int64)
    /// An episode joined the open incident.
    case joinIncident(episodeID: Int64)
    /// The open incident closed: every episode of it resolved.
    case closeIncident(incidentID: Int64)
    /// Insert an execution (the state's ``RunbookKeyState/activeExecution`` with id 0 when it moves the key).
    case schedule(ExecutionRequest)
    /// Insert an execution that will not run, and why.
    case suppress(ExecutionRequest, SuppressionReason)
    /// Cancel a scheduled execution that has not started.
    case cancel(executionID: Int64, reason: String)
    /// A failback was scheduled (auto) or now waits for approval (manual) once the hold ends.
    case failbackScheduled(dueAtMilliseconds: Int64, approvalRequired: Bool)
    /// A waiting failback was cancelled (a new firing during the hold).
    case failbackCancelled(reason: String)
    /// The key's phase changed.
    case phaseChanged(from: RunbookKeyPhase, to: RunbookKeyPhase)
}

/// An execution to insert.
public struct ExecutionRequest: Sendable, Hashable {
    /// Failover or failback.
    public var kind: ExecutionKind
    /// When it may start.
    public var dueAtMilliseconds: Int64
    /// Whether it only reports.
    public var dryRun: Bool
    /// Whether an operator forced it past the guards.
    public var forced: Bool
    /// Who asked.
    public var trigger: ExecutionTrigger
    /// The actor (`engine`, `token:admin`).
    public var requestedBy: String
    /// Whether it belongs to the open incident.
    public var forIncident: Bool
    /// Whether it moves the key's phase (a dry run asked by an operator does not).
    public var movesKey: Bool

    /// Creates a request.
    public init(
        kind: ExecutionKind, dueAtMilliseconds: Int64, dryRun: Bool, forced: Bool, trigger: ExecutionTrigger,
        requestedBy: String, forIncident: Bool, movesKey: Bool
    ) {
        self.kind = kind
        self.dueAtMilliseconds = dueAtMilliseconds
        self.dryRun = dryRun
        self.forced = forced
        self.trigger = trigger
        self.requestedBy = requestedBy
        self.forIncident = forIncident
        self.movesKey = movesKey
    }
}

/// The result of handling one event: the new state, the effects, or why an operator's request was refused.
public struct RunbookKeyTransition: Sendable, Hashable {
    /// The state after the event.
    public var state: RunbookKeyState
    /// What to carry out, in order.
    public var effects: [RunbookKeyEffect]
    /// Why the state forbids an operator's request (answered 409); `nil` when accepted. A refusal changes nothing.
    public var refusal: String?

    /// Creates a transition.
    public init(state: RunbookKeyState, effects: [RunbookKeyEffect], refusal: String? = nil) {
        self.state = state
        self.effects = effects
        self.refusal = refusal
    }
}
