import FailoverCore
import GRDB

/// A runbook key as operators see it: its phase, which side serves, its open incident and what waits.
public struct RunbookKeyView: Sendable, Hashable, Codable {
    /// The runbook.
    public var runbook: String
    /// The key labels.
    public var key: [String: String]
    /// `normal`, `failing_over`, `failed_over`, `failing_back` or `failed`.
    public var phase: RunbookKeyPhase
    /// `primary`, `secondary` or `unknown`.
    public var activeSide: String
    /// The open incident's id.
    public var openIncident: Int64?
    /// The scheduled or running execution's id.
    public var activeExecution: Int64?
    /// When the failback hold ends.
    public var failbackDueAt: String?
    /// Whether a manual failback waits for approval.
    public var failbackAwaitingApproval: Bool
    /// When the key last failed over successfully.
    public var lastFailoverAt: String?
    /// When it last failed back successfully.
    public var lastFailbackAt: String?
    /// When its state last changed.
    public var updatedAt: String

    init(row: Row) {
        runbook = row["runbook"]
        key = JSONText.parseStringMap(row["key"]) ?? [:]
        phase = RunbookKeyPhase(rawValue: row["phase"]) ?? .failed
        activeSide = phase.activeSide
        openIncident = row["open_incident_id"]
        activeExecution = row["active_execution_id"]
        failbackDueAt = (row["failback_due_ms"] as Int64?).map(EpisodeRecord.format(milliseconds:))
        failbackAwaitingApproval = row["failback_awaiting_approval"]
        lastFailoverAt = (row["last_failover_ms"] as Int64?).map(EpisodeRecord.format(milliseconds:))
        lastFailbackAt = (row["last_failback_ms"] as Int64?).map(EpisodeRecord.format(milliseconds:))
        updatedAt = EpisodeRecord.format(milliseconds: row["updated_ms"])
    }
}

/// A runbook's pause, if any.
public struct RunbookPauseView: Sendable, Hashable, Codable {
    /// The runbook.
    public var runbook: String
    /// Since when.
    public var pausedAt: String
    /// Who paused it.
    public var pausedBy: String
    /// Why, as the operator said.
    public var reason: String?
}

/// An incident: one runbook × one key value, from its first firing episode until all of them resolved.
public struct IncidentRecord: Sendable, Hashable, Codable {
    /// The incident's id.
    public var id: Int64
    /// The runbook.
    public var runbook: String
    /// The key labels.
    public var key: [String: String]
    /// `open` or `closed`.
    public var state: String
    /// When it opened.
    public var openedAt: String
    /// When it closed.
    public var closedAt: String?
    /// The earliest `startsAt` of its episodes.
    public var startsAt: String
    /// Its episodes and whether each fires.
    public var episodes: [Member]
    /// The failover execution it scheduled (or the suppressed one).
    public var execution: Int64?
    /// The labels of its first alert.
    public var labels: [String: String]

    /// One episode of an incident.
    public struct Member: Sendable, Hashable, Codable {
        /// The episode's id.
        public var episode: Int64
        /// Whether it fires now.
        public var firing: Bool
    }

    init(row: Row, members: [Member]) {
        id = row["id"]
        runbook = row["runbook"]
        key = JSONText.parseStringMap(row["key"]) ?? [:]
        state = row["state"]
        openedAt = EpisodeRecord.format(milliseconds: row["opened_at_ms"])
        closedAt = (row["closed_at_ms"] as Int64?).map(EpisodeRecord.format(milliseconds:))
        startsAt = row["starts_at"]
        episodes = members
        execution = row["execution_id"]
        labels = JSONText.parseStringMap(row["labels"]) ?? [:]
    }
}

/// An execution of a runbook: failover or failback, its state and, in detail views, its steps.
public struct ExecutionRecord: Sendable, Hashable, Codable {
    /// The execution's id.
    public var id: Int64
    /// The runbook.
    public var runbook: String
    /// The key labels.
    public var key: [String: String]
    /// The incident it belongs to.
    public var incident: Int64?
    /// `failover` or `failback`.
    public var kind: ExecutionKind
    /// `scheduled`, `running`, `succeeded`, `failed`, `cancelled` or `suppressed`.
    public var state: ExecutionState
    /// `alert` or `operator`.
    public var trigger: ExecutionTrigger
    /// Who asked.
    public var requestedBy: String
    /// Whether it only reported.
    public var dryRun: Bool
    /// Whether an operator forced it.
    public var forced: Bool
    /// Why it was suppressed.
    public var suppressedReason: String?
    /// Why it failed or was cancelled.
    public var error: String?
    /// When it was created.
    public var createdAt: String
    /// When it was (or is) due.
    public var dueAt: String
    /// When its first step started.
    public var startedAt: String?
    /// When it ended.
    public var finishedAt: String?
    /// The current claim's owner.
    public var claimOwner: String?
    /// The current claim's fencing token.
    public var fence: Int64?
    /// How often it was claimed (more than once: resumed after a crash).
    public var claims: Int
    /// The first top-level step not finished.
    public var nextStep: Int
    /// Who asked to cancel it.
    public var cancelRequestedBy: String?
    /// Its steps (detail view only).
    public var steps: [ExecutionStepRecord]?

    init(row: Row, steps: [ExecutionStepRecord]?) {
        id = row["id"]
        runbook = row["runbook"]
        key = JSONText.parseStringMap(row["key"]) ?? [:]
        incident = row["incident_id"]
        kind = ExecutionKind(rawValue: row["kind"]) ?? .failover
        state = ExecutionState(rawValue: row["state"]) ?? .failed
        trigger = ExecutionTrigger(rawValue: row["trigger"]) ?? .alert
        requestedBy = row["requested_by"]
        dryRun = row["dry_run"]
        forced = row["forced"]
        suppressedReason = row["suppressed_reason"]
        error = row["error"]
        createdAt = EpisodeRecord.format(milliseconds: row["created_at_ms"])
        dueAt = EpisodeRecord.format(milliseconds: row["due_at_ms"])
        startedAt = (row["started_at_ms"] as Int64?).map(EpisodeRecord.format(milliseconds:))
        finishedAt = (row["finished_at_ms"] as Int64?).map(EpisodeRecord.format(milliseconds:))
        claimOwner = row["claim_owner"]
        fence = row["claim_fence"]
        claims = row["claims"]
        nextStep = row["next_step"]
        cancelRequestedBy = row["cancel_requested_by"]
        self.steps = steps
    }
}

/// One recorded step of an execution.
public struct ExecutionStepRecord: Sendable, Hashable, Codable {
    /// `2`, or `2.1` inside a parallel group.
    public var path: String
    /// The step's kind.
    public var kind: String
    /// Its name, when configured.
    public var name: String?
    /// `running`, `succeeded`, `failed` or `skipped`.
    public var state: StepRecordState
    /// Tries, over every run.
    public var attempts: Int
    /// Runs (more than one: rerun after an interruption).
    public var runs: Int
    /// The fencing token of the claim that wrote it last.
    public var fence: Int64
    /// When it (last) started.
    public var startedAt: String
    /// When it finished.
    public var finishedAt: String?
    /// What it did, one line.
    public var summary: String?
    /// Why it failed.
    public var error: String?
    /// Before → after, request ids, output, as JSON text.
    public var detail: String

    init(row: Row) {
        path = row["path"]
        kind = row["kind"]
        name = row["name"]
        state = StepRecordState(rawValue: row["state"]) ?? .running
        attempts = row["attempts"]
        runs = row["runs"]
        fence = row["fence"]
        startedAt = EpisodeRecord.format(milliseconds: row["started_at_ms"])
        finishedAt = (row["finished_at_ms"] as Int64?).map(EpisodeRecord.format(milliseconds:))
        summary = row["summary"]
        error = row["error"]
        detail = row["detail"]
    }
}
