import FailoverCore

/// A DNS provider account as the `dns` step uses it: one idempotent, verified set of a record set.
public protocol DNSRecordSetting: Sendable {
    /// Brings (`name`, `type`) in `zone` to `targets` with `ttl`, or with `dryRun` only reads and plans.
    /// Never throws: a failure is an outcome that says what was already applied.
    func setRecords(
        zone: String, name: String, type: DNSRecordType, targets: [String], ttl: Int, dryRun: Bool
    ) async -> DNSStepOutcome
}

/// Finds provider accounts by name.
public protocol DNSProviderDirectory: Sendable {
    /// The account named `name` (`nil`: not configured).
    func provider(named name: String) -> (any DNSRecordSetting)?
}

/// What a `dns` step did at the provider.
public struct DNSStepOutcome: Sendable, Hashable {
    /// Whether the record set is (or, in a dry run, could be) in the desired state.
    public var succeeded: Bool
    /// One line for operators (`linode-main: app.example.com A 192.0.2.1 ttl=300 -> 198.51.100.5 ttl=30`).
    public var summary: String
    /// The records before, `target ttl=N` each.
    public var before: [String]
    /// The records read back after (equal to `before` for a no-op or a dry run).
    public var after: [String]
    /// The writes planned, in order.
    public var planned: [String]
    /// The writes applied before the step ended (all of them on success; fewer when a write failed halfway).
    public var applied: [String]
    /// Whether nothing needed to change.
    public var noChange: Bool
    /// The provider's request ids.
    public var requestIDs: [String]
    /// HTTP requests made, retries included.
    public var requestCount: Int
    /// Why it failed.
    public var error: String?

    /// Creates an outcome.
    public init(
        succeeded: Bool, summary: String, before: [String], after: [String], planned: [String], applied: [String],
        noChange: Bool, requestIDs: [String], requestCount: Int, error: String?
    ) {
        self.succeeded = succeeded
        self.summary = summary
        self.before = before
        self.after = after
        self.planned = planned
        self.applied = applied
        self.noChange = noChange
        self.requestIDs = requestIDs
        self.requestCount = requestCount
        self.error = error
    }
}
