import Crypto

/// One runbook of the configuration: which alerts it acts on, what makes two alerts one incident, and the steps of
/// its failover and failback.
public struct RunbookDefinition: Sendable, Hashable {
    /// The runbook's name (`failover-us-east`): letters, digits, `-` and `_`.
    public var name: String
    /// The matchers an alert's labels must all satisfy (Alertmanager syntax, compiled at load).
    public var matchers: AlertMatcherSet
    /// The label names whose values make one incident; default: the label names used in ``matchers``.
    public var keyLabels: [String]
    /// How long the incident must have been firing before the failover runs. Default 0.
    public var minFiring: Duration
    /// The failover's steps, in order.
    public var steps: [RunbookStep]
    /// What happens once the incident has resolved.
    public var failback: FailbackPolicy
    /// The flap guard: most failovers per window per key; `nil` means no limit.
    public var maxExecutions: ExecutionBudget?
    /// Whether every execution of this runbook is a dry run.
    public var dryRun: Bool
    /// Names this version of the definition: the SHA-256 (hex) of its configuration text in a canonical form, so
    /// that formatting does not change it. An execution records the digest it was scheduled with and runs those
    /// steps, also after a configuration reload. Empty when the definition was not read from a configuration.
    public var digest: String

    /// Creates a runbook definition.
    public init(
        name: String, matchers: AlertMatcherSet, keyLabels: [String]? = nil, minFiring: Duration = .zero,
        steps: [RunbookStep], failback: FailbackPolicy = FailbackPolicy(), maxExecutions: ExecutionBudget? = nil,
        dryRun: Bool = false, digest: String = ""
    ) {
        self.digest = digest
        self.name = name
        self.matchers = matchers
        self.keyLabels = keyLabels ?? matchers.labelNames
        self.minFiring = minFiring
        self.steps = steps
        self.failback = failback
        self.maxExecutions = maxExecutions
        self.dryRun = dryRun
    }

    /// The incident key of an alert's labels: the values of ``keyLabels`` (missing labels count as empty).
    public func key(for labels: [String: String]) -> IncidentKey {
        IncidentKey(keyLabels.map { ($0, labels[$0] ?? "") })
    }

    /// The digest of a definition's canonical configuration text (lower-case hex SHA-256).
    public static func digest(ofCanonicalText text: String) -> String {
        AuditHash(bytes: Array(SHA256.hash(data: Array(text.utf8))))?.hex ?? ""
    }

    /// The steps of one kind of execution.
    public func steps(for kind: ExecutionKind) -> [RunbookStep] {
        kind == .failover ? steps : failback.steps
    }
}

/// What happens after a failover once its incident has resolved.
public struct FailbackPolicy: Sendable, Hashable {
    /// How failback starts.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// On its own, once the incident stayed resolved for ``FailbackPolicy/hold``.
        case auto
        /// Once an operator approves it (after the hold).
        case manual
        /// Never on its own; an operator forces it when wanted.
        case none
    }

    /// How failback starts. Default ``Mode/none``.
    public var mode: Mode
    /// How long the incident must stay resolved before failback may run. Default 10 minutes.
    public var hold: Duration
    /// The failback's steps (usually `dns` steps pointing back at the primary).
    public var steps: [RunbookStep]

    /// Creates a failback policy.
    public init(mode: Mode = .none, hold: Duration = .seconds(600), steps: [RunbookStep] = []) {
        self.mode = mode
        self.hold = hold
        self.steps = steps
    }
}

/// The flap guard: at most ``count`` failovers of one runbook key within ``per``.
public struct ExecutionBudget: Sendable, Hashable {
    /// Most failovers in the window.
    public var count: Int
    /// The window.
    public var per: Duration

    /// Creates a budget.
    public init(count: Int, per: Duration) {
        self.count = count
        self.per = per
    }
}
