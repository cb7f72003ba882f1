import FailoverCore

/// What ``DNSProvider/set(zone:name:type:desired:dryRun:)`` did: the state before and after, the writes, and
/// whether there was anything to do.
public struct DNSChangeResult: Sendable, Hashable, CustomStringConvertible {
    /// The provider account's name (`linode-main`).
    public var account: String
    /// The zone.
    public var zone: DNSZone
    /// The owner name.
    public var name: DNSRecordName
    /// The type.
    public var type: DNSRecordType
    /// The state asked for.
    public var desired: DNSDesiredState
    /// The writes planned (and, unless ``dryRun``, applied) in order.
    public var plan: DNSChangePlan
    /// The records before the change.
    public var before: [DNSRecord]
    /// The records read back after the change; equal to ``before`` for a no-op or a dry run.
    public var after: [DNSRecord]
    /// Whether nothing was written because the records were already in the desired state.
    public var isNoOp: Bool { plan.isNoOp }
    /// Whether this was a dry run: the plan was computed, nothing was written.
    public var dryRun: Bool
    /// Whether the records were read back and found in the desired state (true for a no-op).
    public var verified: Bool
    /// Request identifiers the provider returned (DigitalOcean's `x-request-id`), in call order.
    public var requestIDs: [String]
    /// HTTP requests the change took, retries included.
    public var requestCount: Int

    /// Creates a result.
    public init(
        account: String, zone: DNSZone, name: DNSRecordName, type: DNSRecordType, desired: DNSDesiredState,
        plan: DNSChangePlan, before: [DNSRecord], after: [DNSRecord], dryRun: Bool, verified: Bool,
        requestIDs: [String], requestCount: Int
    ) {
        self.account = account
        self.zone = zone
        self.name = name
        self.type = type
        self.desired = desired
        self.plan = plan
        self.before = before
        self.after = after
        self.dryRun = dryRun
        self.verified = verified
        self.requestIDs = requestIDs
        self.requestCount = requestCount
    }

    /// One line for an operator, e.g.
    /// `linode-main: app.example.com A 192.0.2.1 ttl=300 -> 198.51.100.5 ttl=30 (1 update; verified)`.
    public var summary: String {
        let owner = "\(account): \(name.fullyQualified(in: zone.name)) \(type)"
        let beforeText = Self.describe(before)
        if isNoOp { return "\(owner) already \(beforeText); no change" }
        let counts = Self.count(plan)
        if dryRun { return "\(owner) \(beforeText) -> \(desired) would take \(counts) (dry run, nothing written)" }
        return
            "\(owner) \(beforeText) -> \(Self.describe(after)) (\(counts); \(verified ? "verified" : "not verified"))"
    }

    /// The summary followed by the plan's operations, one per line.
    public var description: String {
        isNoOp ? summary : ([summary] + plan.operations.map { "  \($0)" }).joined(separator: "\n")
    }

    private static func describe(_ records: [DNSRecord]) -> String {
        guard !records.isEmpty else { return "(none)" }
        return records.sorted { $0.target < $1.target }.map { "\($0.target) ttl=\($0.ttl)" }
            .joined(separator: ", ")
    }

    private static func count(_ plan: DNSChangePlan) -> String {
        var updates = 0
        var creates = 0
        var deletes = 0
        for operation in plan.operations {
            switch operation {
            case .update: updates += 1
            case .create: creates += 1
            case .delete: deletes += 1
            }
        }
        var parts: [String] = []
        if updates > 0 { parts.append("\(updates) update\(updates == 1 ? "" : "s")") }
        if creates > 0 { parts.append("\(creates) create\(creates == 1 ? "" : "s")") }
        if deletes > 0 { parts.append("\(deletes) delete\(deletes == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }
}
