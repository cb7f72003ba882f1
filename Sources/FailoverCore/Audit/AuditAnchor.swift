/// A chain head saved outside the database, from an earlier `audit verify`, the log line at start or stop, or the
/// `failoverd_audit_head_id` metric: "event ``id`` existed, with ``hash``".
///
/// Given to a verification, it proves that nothing up to ``id`` was cut off or rewritten since it was saved: the
/// event must still be there, with that hash, and the chain must run through it. Without a hash (the metric has only
/// the id) it proves that the log still reaches ``id``.
public struct AuditAnchor: Sendable, Hashable, CustomStringConvertible {
    /// The event id.
    public var id: Int64
    /// Its hash, when known.
    public var hash: AuditHash?

    /// Describes an anchor.
    public init(id: Int64, hash: AuditHash?) {
        self.id = id
        self.hash = hash
    }

    /// Reads `ID:HASH` (64 hex digits) or a bare `ID`, as ``description`` writes it.
    public init(parsing text: some StringProtocol) throws(AuditAnchorError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let id = Int64(parts[0]), id > 0 else { throw AuditAnchorError(text: String(text)) }
        var hash: AuditHash?
        if parts.count == 2 {
            do {
                hash = try AuditHash(hex: parts[1])
            } catch {
                throw AuditAnchorError(text: String(text))
            }
        }
        self.init(id: id, hash: hash)
    }

    /// `ID:HASH`, or `ID` without a hash.
    public var description: String { hash.map { "\(id):\($0.hex)" } ?? "\(id)" }
}
