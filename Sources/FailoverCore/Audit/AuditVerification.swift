/// The outcome of walking the audit chain.
public struct AuditVerification: Sendable, Hashable, CustomStringConvertible {
    /// Events whose link verified.
    public var eventCount: Int
    /// Where the walk began: 1, or the first id after pruned events; `nil` for an empty log.
    public var firstID: Int64?
    /// The last event that verified. Publish it and ``headHash`` elsewhere to make a truncated log evident.
    public var headID: Int64?
    /// The hash of ``headID``.
    public var headHash: AuditHash?
    /// The first broken link, `nil` when the chain is intact.
    public var firstBreak: AuditChainBreak?

    /// Describes a walk's outcome.
    public init(
        eventCount: Int, firstID: Int64?, headID: Int64?, headHash: AuditHash?, firstBreak: AuditChainBreak?
    ) {
        self.eventCount = eventCount
        self.firstID = firstID
        self.headID = headID
        self.headHash = headHash
        self.firstBreak = firstBreak
    }

    /// Whether no link is broken.
    public var isIntact: Bool { firstBreak == nil }

    /// `intact, N events` or `broken: …` naming the first broken link.
    public var description: String {
        if let firstBreak { return "broken: \(firstBreak)" }
        return "intact, \(eventCount) events"
    }
}
