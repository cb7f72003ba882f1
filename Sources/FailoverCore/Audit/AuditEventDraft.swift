/// An audit event as its author describes it, before the log gives it an id and a hash.
///
/// Subjects are optional and name what the event is about; filters select on them. `actor` says who acted, by
/// convention `webhook` (an Alertmanager delivery; the credential goes in the detail), `engine` (the runbook
/// engine), `service` (the process itself), `retention` (background pruning) or `token:NAME` (an operator's
/// token, by name, never its value).
public struct AuditEventDraft: Sendable, Hashable {
    /// When it happened, in milliseconds since the epoch (UTC). The log never lets time go backwards along ids:
    /// a value older than the previous event's is recorded as the previous event's time.
    public var recordedAtMilliseconds: Int64
    /// What happened.
    public var type: AuditEventType
    /// Who acted.
    public var actor: String
    /// How it turned out. Default ``AuditOutcome/success``.
    public var outcome: AuditOutcome
    /// The episode it concerns (`episodes.id`).
    public var episode: Int64?
    /// The runbook execution it concerns.
    public var execution: Int64?
    /// The runbook's name.
    public var runbook: String?
    /// The alert's fingerprint.
    public var fingerprint: String?
    /// The alert's name.
    public var alertname: String?
    /// Structured facts (never secrets). Default empty.
    public var detail: AuditDetail

    /// Describes an event; only what happened, who did it and when are required.
    public init(
        type: AuditEventType, actor: String, recordedAtMilliseconds: Int64, outcome: AuditOutcome = .success,
        episode: Int64? = nil, execution: Int64? = nil, runbook: String? = nil, fingerprint: String? = nil,
        alertname: String? = nil, detail: AuditDetail = .empty
    ) {
        self.recordedAtMilliseconds = recordedAtMilliseconds
        self.type = type
        self.actor = actor
        self.outcome = outcome
        self.episode = episode
        self.execution = execution
        self.runbook = runbook
        self.fingerprint = fingerprint
        self.alertname = alertname
        self.detail = detail
    }
}
