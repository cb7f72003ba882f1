/// The outcome of walking the audit chain.
public struct AuditVerification: Sendable, Hashable, CustomStringConvertible {
    /// Events whose link verified.
    public var eventCount: Int
    /// Where the walk began: 1, or the first id after pruned events; `nil` for an empty log.
    public var firstID: Int64?
    /// The last event that verified. Publish it and ``headHash`` elsewhere (the service logs them at start and
    /// stop): given back later as an ``AuditAnchor`` they make a truncated, rolled-back or rewritten log evident.
    public var headID: Int64?
    /// The hash of ``headID``.
    public var headHash: AuditHash?
    /// The first broken link, `nil` when the chain is intact.
    public var firstBreak: AuditChainBreak?
    /// The last signed head that verified with the public keys given and that the chain reaches; `nil` when no
    /// keys were given (or none did).
    public var signedHead: AuditSignedHead?
    /// Verified events after ``signedHead``: what no signature covers yet.
    public var eventsAfterSignedHead: Int?
    /// The anchor given, when the chain reached it with its hash.
    public var anchor: AuditAnchor?

    /// Describes a walk's outcome.
    public init(
        eventCount: Int, firstID: Int64?, headID: Int64?, headHash: AuditHash?, firstBreak: AuditChainBreak?,
        signedHead: AuditSignedHead? = nil, eventsAfterSignedHead: Int? = nil, anchor: AuditAnchor? = nil
    ) {
        self.eventCount = eventCount
        self.firstID = firstID
        self.headID = headID
        self.headHash = headHash
        self.firstBreak = firstBreak
        self.signedHead = signedHead
        self.eventsAfterSignedHead = eventsAfterSignedHead
        self.anchor = anchor
    }

    /// Whether no link is broken.
    public var isIntact: Bool { firstBreak == nil }

    /// The head as an anchor (`ID:HASH`), `nil` for an empty log.
    public var head: AuditAnchor? { headID.map { AuditAnchor(id: $0, hash: headHash) } }

    /// `intact, N events` or `broken: …` naming the first broken link.
    public var description: String {
        if let firstBreak { return "broken: \(firstBreak)" }
        return "intact, \(eventCount) events"
    }
}
