/// What a (name, type) should hold after a change: a set of targets sharing one TTL.
///
/// One target is the usual failover record; several form a round-robin set.
public struct DNSDesiredState: Sendable, Hashable, CustomStringConvertible {
    /// The targets, de-duplicated and sorted, as given (normalisation happens per provider when comparing).
    public let targets: [String]
    /// The TTL in seconds the records should carry.
    public let ttl: Int

    /// Creates a desired state.
    ///
    /// - Throws: ``DNSDesiredStateError`` when there is no target, a target is empty, or the TTL is negative.
    public init(targets: some Sequence<String>, ttl: Int) throws(DNSDesiredStateError) {
        var unique: [String] = []
        for target in targets {
            let trimmed = target.trimmingWhitespace()
            guard !trimmed.isEmpty else { throw .emptyTarget }
            if !unique.contains(trimmed) { unique.append(trimmed) }
        }
        guard !unique.isEmpty else { throw .noTargets }
        guard ttl >= 0 else { throw .negativeTTL(ttl) }
        self.targets = unique.sorted()
        self.ttl = ttl
    }

    /// Creates a desired state of a single target.
    public init(target: String, ttl: Int) throws(DNSDesiredStateError) {
        try self.init(targets: [target], ttl: ttl)
    }

    /// Checks that the state fits the record type (a `CNAME` has exactly one target; `SOA`/`NS` are not written).
    public func validate(for type: DNSRecordType) throws(DNSDesiredStateError) {
        guard type.isWritable else { throw .typeNotWritable(type) }
        if !type.allowsSeveralTargets, targets.count > 1 { throw .severalTargets(type, count: targets.count) }
    }

    /// `198.51.100.5, 198.51.100.6 ttl=30`.
    public var description: String { "\(targets.joined(separator: ", ")) ttl=\(ttl)" }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
