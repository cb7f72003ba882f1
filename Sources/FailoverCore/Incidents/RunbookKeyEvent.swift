/// What happens to a runbook key: alerts, executions ending, timers, operators.
public enum RunbookKeyEvent: Sendable, Hashable {
    /// An episode matching the runbook with this key started firing (opened, or reopened after its window).
    case episodeStartedFiring(EpisodeFacts)
    /// An episode of the key resolved.
    case episodeStoppedFiring(episodeID: Int64)
    /// An execution of the key ended.
    case executionEnded(ExecutionEnding)
    /// The failback hold ended (the engine's timer).
    case failbackHoldElapsed
    /// An operator asked for a failover (`POST /api/v1/runbooks/{name}/execute`).
    case operatorRun(OperatorRequest)
    /// An operator approved or forced a failback (`POST /api/v1/runbooks/{name}/failback`).
    case operatorFailback(OperatorRequest)
}

/// The facts of an episode the machine needs.
public struct EpisodeFacts: Sendable, Hashable {
    /// The episode's id.
    public var id: Int64
    /// Its (earliest) `startsAt`.
    public var startsAt: Timestamp

    /// Creates episode facts.
    public init(id: Int64, startsAt: Timestamp) {
        self.id = id
        self.startsAt = startsAt
    }
}

/// How an execution ended.
public struct ExecutionEnding: Sendable, Hashable {
    /// The execution's id.
    public var id: Int64
    /// Failover or failback.
    public var kind: ExecutionKind
    /// `succeeded`, `failed` or `cancelled`.
    public var state: ExecutionState
    /// Whether any step had started (a cancel before the first step changed nothing outside).
    public var started: Bool
    /// Whether it was a dry run (a dry run never moves the key).
    public var dryRun: Bool

    /// Creates an ending.
    public init(id: Int64, kind: ExecutionKind, state: ExecutionState, started: Bool, dryRun: Bool) {
        self.id = id
        self.kind = kind
        self.state = state
        self.started = started
        self.dryRun = dryRun
    }
}

/// An operator's request.
public struct OperatorRequest: Sendable, Hashable {
    /// Who asks (`token:admin`).
    public var actor: String
    /// Only report what would change.
    public var dryRun: Bool
    /// Past the pause, the flap guard, the hold and a firing incident.
    public var force: Bool

    /// Creates a request.
    public init(actor: String, dryRun: Bool = false, force: Bool = false) {
        self.actor = actor
        self.dryRun = dryRun
        self.force = force
    }
}
