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
///
/// It keeps a count of its firing episodes rather than all of them: an incident can gather thousands of alerts (every
/// instance of a region), and each notification needs only its own episode's membership. The store loads that one
/// (``members``) with the count.
public struct OpenIncident: Sendable, Hashable {
    /// The incident's id; 0 until the store has inserted it.
    public var id: Int64
    /// When it opened.
    public var openedAtMilliseconds: Int64
    /// The earliest `startsAt` of its episodes (what `min_firing` counts from).
    public var startsAt: Timestamp
    /// How many of its episodes fire now; the incident closes when none does.
    public var firingCount: Int
    /// The episodes the event concerns, as far as the store loaded them: member → whether it fires now. An episode
    /// absent here is not a member.
    public var members: [Int64: Bool]

    /// Creates an incident.
    public init(id: Int64, openedAtMilliseconds: Int64, startsAt: Timestamp, firingCount: Int, members: [Int64: Bool]) {
        self.id = id
        self.openedAtMilliseconds = openedAtMilliseconds
        self.startsAt = startsAt
        self.firingCount = firingCount
        self.members = members
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
