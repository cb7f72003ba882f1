/// What an audit event records. A closed set: the raw values are stored, hashed and used as the `type` filter.
///
/// Raw values are `area.verb` in lower case with underscores; they never change once shipped, because the hash
/// chain covers them.
public enum AuditEventType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// An Alertmanager notification was acknowledged (delivery id, group key, counts, body digest, peer, credential).
    case webhookReceived = "webhook.received"
    /// A firing notification opened a new episode.
    case episodeOpened = "episode.opened"
    /// A notification repeated a known state of an episode (including stale firings after resolution).
    case episodeDuplicate = "episode.duplicate"
    /// A resolved notification closed an episode.
    case episodeResolved = "episode.resolved"
    /// A firing after the episode resolved waits for `ingest.reopen_window` before it reopens the episode.
    case episodeReopenPending = "episode.reopen_pending"
    /// The window passed with no resolved notification: the same episode fires again.
    case episodeReopened = "episode.reopened"
    /// A resolved notification arrived within the window: the firing was stale, the episode stays resolved.
    case episodeReopenCancelled = "episode.reopen_cancelled"
    /// A runbook key's first firing episode opened an incident.
    case incidentOpened = "incident.opened"
    /// Another episode with the same key joined an open incident.
    case incidentJoined = "incident.joined"
    /// Every episode of an incident resolved.
    case incidentClosed = "incident.closed"
    /// A runbook key changed phase (`normal`, `failing_over`, `failed_over`, `failing_back`, `failed`).
    case runbookStateChanged = "runbook.state_changed"
    /// The runbook engine scheduled an execution for an episode.
    case runbookScheduled = "runbook.scheduled"
    /// The runbook engine decided not to act, and why.
    case runbookSuppressed = "runbook.suppressed"
    /// A scheduled or running execution was cancelled.
    case runbookCancelled = "runbook.cancelled"
    /// An execution started.
    case runbookStarted = "runbook.started"
    /// A step of an execution started.
    case runbookStepStarted = "runbook.step_started"
    /// A step finished: state before and after, the provider's request id.
    case runbookStepFinished = "runbook.step_finished"
    /// An execution finished successfully.
    case runbookFinished = "runbook.finished"
    /// An execution failed, and why.
    case runbookFailed = "runbook.failed"
    /// A failback was scheduled after the hold (auto) or now waits for an operator's approval (manual).
    case runbookFailbackScheduled = "runbook.failback_scheduled"
    /// A waiting failback was cancelled because the alert fired again.
    case runbookFailbackCancelled = "runbook.failback_cancelled"
    /// An operator approved or forced a failback.
    case runbookFailbackApproved = "runbook.failback_approved"
    /// An operator paused a runbook: automatic executions are recorded as suppressed.
    case runbookPaused = "runbook.paused"
    /// An operator resumed a paused runbook.
    case runbookResumed = "runbook.resumed"
    /// An execution's worker lost its claim (lease expired or taken over); what it recorded stays.
    case runbookClaimLost = "runbook.claim_lost"
    /// An operator acted by hand (the actor names the token).
    case manualAction = "manual.action"
    /// The configuration file was loaded at start (its digest).
    case configurationLoaded = "config.loaded"
    /// The configuration file was reloaded while running (its digest).
    case configurationReloaded = "config.reloaded"
    /// The service started.
    case serviceStarted = "service.started"
    /// The service stopped.
    case serviceStopped = "service.stopped"
    /// Retention pruned old data; for pruned events it holds the last pruned hash, the chain's new anchor.
    case retentionCheckpoint = "retention.checkpoint"

    /// The raw value.
    public var description: String { rawValue }
}
