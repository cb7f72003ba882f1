/// A selection of audit events, newest first. Every filter is optional; given filters must all match.
public struct AuditQuery: Sendable, Hashable {
    /// Only events at or after this time (milliseconds since the epoch).
    public var since: Int64?
    /// Only events before this time (milliseconds since the epoch, exclusive).
    public var until: Int64?
    /// Only events of this type.
    public var type: AuditEventType?
    /// Only events of this runbook.
    public var runbook: String?
    /// Only events of this alert name.
    public var alertname: String?
    /// Only events of this alert fingerprint.
    public var fingerprint: String?
    /// Only events of this runbook execution.
    public var execution: Int64?
    /// Only events with this outcome.
    public var outcome: AuditOutcome?
    /// Page size, ``limitRange``. Default 100.
    public var limit: Int
    /// Continue after a previous page.
    public var cursor: AuditCursor?

    /// The accepted page sizes.
    public static let limitRange = 1...1000

    /// Creates a query.
    public init(
        since: Int64? = nil, until: Int64? = nil, type: AuditEventType? = nil, runbook: String? = nil,
        alertname: String? = nil, fingerprint: String? = nil, execution: Int64? = nil, outcome: AuditOutcome? = nil,
        limit: Int = 100, cursor: AuditCursor? = nil
    ) {
        self.since = since
        self.until = until
        self.type = type
        self.runbook = runbook
        self.alertname = alertname
        self.fingerprint = fingerprint
        self.execution = execution
        self.outcome = outcome
        self.limit = limit
        self.cursor = cursor
    }
}
