/// Where one runbook key (a runbook × one value of its key labels) stands: which side is active.
public enum RunbookKeyPhase: String, Sendable, Hashable, CaseIterable, Codable {
    /// The primary serves; nothing runs.
    case normal
    /// A failover is scheduled or running.
    case failingOver = "failing_over"
    /// The failover succeeded: the secondary serves.
    case failedOver = "failed_over"
    /// A failback is scheduled or running.
    case failingBack = "failing_back"
    /// An execution failed or was cancelled midway; an operator must look (DNS may be half changed).
    case failed

    /// Which side serves, for operators: `primary`, `secondary` or `unknown` (moving or failed).
    public var activeSide: String {
        switch self {
        case .normal: "primary"
        case .failedOver: "secondary"
        case .failingOver, .failingBack, .failed: "unknown"
        }
    }
}

/// Whether an execution fails over or fails back.
public enum ExecutionKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The runbook's `steps`.
    case failover
    /// The runbook's `failback.steps`.
    case failback
}

/// Where an execution stands.
public enum ExecutionState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Waiting for its due time or a worker.
    case scheduled
    /// Claimed by a worker, steps running.
    case running
    /// Every step succeeded (or failed with `on_failure: continue`).
    case succeeded
    /// A step failed, or the execution was interrupted with `on_interrupted: fail`.
    case failed
    /// Cancelled before it started or at a step boundary.
    case cancelled
    /// Never run: paused runbook, flap guard, or a failed key; recorded so that it is visible.
    case suppressed

    /// Whether the execution is over.
    public var isFinal: Bool { self != .scheduled && self != .running }
}

/// Who asked for an execution.
public enum ExecutionTrigger: String, Sendable, Hashable, CaseIterable, Codable {
    /// An alert (its incident).
    case alert
    /// An operator through the API.
    case `operator`
}

/// Why an execution was not run.
public enum SuppressionReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// The runbook is paused.
    case paused
    /// The flap guard (`max_executions`) was reached.
    case maxExecutions = "max_executions"
    /// The key is `failed`: an operator must act first.
    case keyFailed = "key_failed"
}
