/// An execution a worker claimed: what to run, under which fencing token, and where to resume.
public struct ExecutionClaim: Sendable, Hashable {
    /// The execution's id.
    public var executionID: Int64
    /// The runbook's name.
    public var runbook: String
    /// The digest of the runbook definition the execution was scheduled with (``RunbookDefinition/digest``), or nil
    /// for executions scheduled before digests were recorded.
    public var definitionDigest: String?
    /// The runbook key.
    public var key: IncidentKey
    /// Failover or failback.
    public var kind: ExecutionKind
    /// Whether it only reports.
    public var dryRun: Bool
    /// The incident it belongs to.
    public var incidentID: Int64?
    /// The template context: labels and annotations of the triggering alert (or the operator's key labels).
    public var labels: [String: String]
    /// Annotations of the triggering alert.
    public var annotations: [String: String]
    /// The claimant.
    public var owner: String
    /// The fencing token of this claim: every write under the claim carries it; a newer claim's token is larger.
    public var fence: Int64
    /// The first top-level step not finished yet.
    public var nextStep: Int
    /// What earlier claims recorded of each step (`path` → record), for resuming.
    public var recordedSteps: [String: StepRecordState]
    /// Whether an earlier claim ran part of the execution (this is a resumption after a crash or lost lease).
    public var resumed: Bool

    /// Creates a claim.
    public init(
        executionID: Int64, runbook: String, key: IncidentKey, kind: ExecutionKind, dryRun: Bool, incidentID: Int64?,
        labels: [String: String], annotations: [String: String], owner: String, fence: Int64, nextStep: Int,
        recordedSteps: [String: StepRecordState], resumed: Bool, definitionDigest: String? = nil
    ) {
        self.definitionDigest = definitionDigest
        self.executionID = executionID
        self.runbook = runbook
        self.key = key
        self.kind = kind
        self.dryRun = dryRun
        self.incidentID = incidentID
        self.labels = labels
        self.annotations = annotations
        self.owner = owner
        self.fence = fence
        self.nextStep = nextStep
        self.recordedSteps = recordedSteps
        self.resumed = resumed
    }
}

/// Where a recorded step stands.
public enum StepRecordState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Started and not finished: interrupted when seen by a later claim.
    case running
    /// Finished successfully.
    case succeeded
    /// Finished with a failure.
    case failed
    /// Not run (dry run of a step that changes things, or cancelled).
    case skipped
}

/// What became of the claim when the worker checked it.
public enum ClaimStatus: Sendable, Hashable {
    /// Still held; `cancelRequestedBy` names an operator who asked to cancel at the next step boundary.
    case held(cancelRequestedBy: String?)
    /// Lost: the lease expired and another claim took it, or the execution ended elsewhere. Stop, record nothing.
    case lost
}

/// A step's start, recorded under the claim before it runs.
public struct StepStart: Sendable, Hashable {
    /// The step's path: `2` for the third top-level step, `2.1` for the second step of that parallel group.
    public var path: String
    /// Its order in the execution (top-level index × 1000 + child index + 1 for children).
    public var position: Int
    /// `dns`, `http_check`, `http`, `exec`, `wait` or `parallel`.
    public var kind: String
    /// The operator's name for it.
    public var name: String?
    /// What it is about to do, one line (`linode-main: app.example.com A -> 198.51.100.5 ttl=30`).
    public var summary: String

    /// Creates a step start.
    public init(path: String, position: Int, kind: String, name: String?, summary: String) {
        self.path = path
        self.position = position
        self.kind = kind
        self.name = name
        self.summary = summary
    }
}

/// A step's result, recorded under the claim.
public struct StepResult: Sendable, Hashable {
    /// The step's path.
    public var path: String
    /// `succeeded`, `failed` or `skipped`.
    public var state: StepRecordState
    /// Tries it took.
    public var attempts: Int
    /// One line for operators: what changed (before → after) or what went wrong.
    public var summary: String
    /// Why it failed.
    public var error: String?
    /// Structured facts: `before`, `after`, `request_ids`, `output` (capped), `status`, `plan`, `dry_run`.
    public var detail: [String: AuditValue]
    /// For a top-level step: the index of the next top-level step to run once this is recorded.
    public var advancesTo: Int?

    /// Creates a result.
    public init(
        path: String, state: StepRecordState, attempts: Int, summary: String, error: String? = nil,
        detail: [String: AuditValue] = [:], advancesTo: Int? = nil
    ) {
        self.path = path
        self.state = state
        self.attempts = attempts
        self.summary = summary
        self.error = error
        self.detail = detail
        self.advancesTo = advancesTo
    }
}
