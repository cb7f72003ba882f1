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
