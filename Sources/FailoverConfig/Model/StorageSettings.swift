/// The `storage:` section.
public struct StorageSettings: Sendable, Hashable {
    /// The SQLite database file; its directory is created if missing. Default `data/failoverd.db`.
    public var path: String
    /// How long a write waits for a lock held by another connection before failing (and the webhook
    /// being answered 503 so that Alertmanager retries). Default 5 s.
    public var busyTimeout: Duration

    /// Creates storage settings with the documented defaults.
    public init(path: String = "data/failoverd.db", busyTimeout: Duration = .seconds(5)) {
        self.path = path
        self.busyTimeout = busyTimeout
    }
}

/// The `ingest:` section: the group-commit writer.
public struct IngestSettings: Sendable, Hashable {
    /// Most webhooks committed in one transaction. Default 256.
    public var maxBatchSize: Int
    /// Most webhooks waiting for a commit; beyond it new ones get 503 and are retried by Alertmanager.
    /// Default 4096.
    public var maxPending: Int

    /// Creates ingest settings with the documented defaults.
    public init(maxBatchSize: Int = 256, maxPending: Int = 4096) {
        self.maxBatchSize = maxBatchSize
        self.maxPending = maxPending
    }
}

/// The `retention:` section: what old data is pruned, in the background, in small batches.
public struct RetentionSettings: Sendable, Hashable {
    /// Webhook bodies older than this are dropped (their digest, the delivery and its audit events stay).
    /// `nil` keeps them forever. Default 30 days.
    public var deliveryBodies: Duration?
    /// Audit events older than this are pruned, leaving a checkpoint event that keeps the chain verifiable.
    /// `nil` keeps them forever. Default: forever.
    public var auditEvents: Duration?
    /// How often pruning runs. Default 1 hour.
    public var interval: Duration

    /// Creates retention settings with the documented defaults.
    public init(
        deliveryBodies: Duration? = .seconds(30 * 86_400), auditEvents: Duration? = nil,
        interval: Duration = .seconds(3600)
    ) {
        self.deliveryBodies = deliveryBodies
        self.auditEvents = auditEvents
        self.interval = interval
    }
}
