import FailoverCore

/// One page of audit events, newest first.
public struct AuditPage: Sendable, Hashable {
    /// The events, ids decreasing.
    public var events: [AuditEvent]
    /// Pass it as the next query's cursor to read on; `nil` on the last page.
    public var next: AuditCursor?

    /// Creates a page.
    public init(events: [AuditEvent], next: AuditCursor?) {
        self.events = events
        self.next = next
    }
}
