/// The durable state of one runbook key, as the runbook-key state machine reads and writes it.
public struct RunbookKeyState: Sendable, Hashable {
    /// Which side is active, or what is moving.
    public var phase: RunbookKeyPhase
    /// The open incident, if any.
    public var incident: OpenIncident?
    /// The failover or failback scheduled or running for the key, if any.
    public var activeExecution: ExecutionReference?
    /// When the failback hold ends (auto: failback starts; manual: approval becomes possible).
    public var failbackDueAtMilliseconds: Int64?
    /// Whether a manual failback waits for an operator.
    public var failbackAwaitingApproval: Bool
    /// Whether a firing arrived while failing back: acted on when the failback ends.
    public var refireAfterFailback: Bool
    /// When the last incident closed.
    public var lastResolvedAtMilliseconds: Int64?

    /// Creates a state; the defaults describe a key never seen.
    public init(
        phase: RunbookKeyPhase = .normal, incident: OpenIncident? = nil, activeExecution: ExecutionReference? = nil,
        failbackDueAtMilliseconds: Int64? = nil, failbackAwaitingApproval: Bool = false,
        refireAfterFailback: Bool = false, lastResolvedAtMilliseconds: Int64? = nil
    ) {
        self.phase = phase
        self.incident = incident
        self.activeExecution = activeExecution
        self.failbackDueAtMilliseconds = failbackDueAtMilliseconds
        self.failbackAwaitingApproval = failbackAwaitingApproval
        self.refireAfterFailback = refireAfterFailback
        self.lastResolvedAtMilliseconds = lastResolvedAtMilliseconds
    }
}

/// An open incident of a runbook key.
public struct OpenIncident: Sendable, Hashable {
    /// The incident's id; 0 until the store has inserted it.
    public var id: Int64
    /// When it opened.
    public var openedAtMilliseconds: Int64
    /// The earliest `startsAt` of its episodes (what `min_firing` counts from).
    public var startsAt: Timestamp
    /// Every episode that joined it.
    public var episodes: Set<Int64>
    /// The episodes that fire now; the incident closes when this is empty.
    public var firingEpisodes: Set<Int64>

    /// Creates an incident.
    public init(
        id: Int64, openedAtMilliseconds: Int64, startsAt: Timestamp, episodes: Set<Int64>, firingEpisodes: Set<Int64>
    ) {
        self.id = id
        self.openedAtMilliseconds = openedAtMilliseconds
        self.startsAt = startsAt
        self.episodes = episodes
        self.firingEpisodes = firingEpisodes
    }
}

/// The failover or failback a key waits for or runs.
public struct ExecutionReference: Sendable, Hashable {
    /// The execution's id; 0 until the store has inserted it.
    public var id: Int64
    /// Failover or failback.
    public var kind: ExecutionKind
    /// Scheduled or running.
    public var state: ExecutionState
    /// Who asked for it.
    public var trigger: ExecutionTrigger

    /// Creates a reference.
    public init(id: Int64, kind: ExecutionKind, state: ExecutionState, trigger: ExecutionTrigger) {
        self.id = id
        self.kind = kind
        self.state = state
        self.trigger = trigger
    }
}

/// What the state machine knows besides the state: the runbook, the clock and the counts the store looked up.
public struct RunbookKeyContext: Sendable, Hashable {
    /// Now, in milliseconds since the epoch.
    public var now: Int64
    /// Whether the runbook is paused.
    public var paused: Bool
    /// Failovers of this key counted by the flap guard (created within `max_executions.per`, not suppressed).
    public var recentFailovers: Int
    /// Whether every execution is a dry run (`--dry-run`, `engine.dry_run`, or the runbook's `dry_run`).
    public var dryRun: Bool
    /// `min_firing`.
    public var minFiring: Duration
    /// The failback policy.
    public var failback: FailbackPolicy.Mode
    /// The failback hold.
    public var hold: Duration
    /// The flap guard.
    public var budget: ExecutionBudget?

    /// Creates a context from the runbook's definition.
    public init(now: Int64, runbook: RunbookDefinition, paused: Bool, recentFailovers: Int, globalDryRun: Bool) {
        self.now = now
        self.paused = paused
        self.recentFailovers = recentFailovers
        self.dryRun = globalDryRun || runbook.dryRun
        self.minFiring = runbook.minFiring
        self.failback = runbook.failback.mode
        self.hold = runbook.failback.hold
        self.budget = runbook.maxExecutions
    }

    /// Whether the flap guard forbids another failover now.
    public var budgetExhausted: Bool {
        guard let budget else { return false }
        return recentFailovers >= budget.count
    }
}
