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
    /// How long a `firing` that follows a `resolved` of the same period waits for another `resolved` before it
    /// reopens the episode. Default 60 s.
    ///
    /// Why 60 s: a stale firing from an HA peer comes about 14–15 s after the other peer's resolved (each peer
    /// waits its position × 15 s), and that peer's own resolved follows about 15 s later (measured on
    /// Alertmanager 0.25, webhook reference behaviour 1): the window must outlast both, with room for a slower
    /// flush. Longer windows only delay acting on a real refiring after a resolution by timeout (behaviour 2), which
    /// happens while the key is failed over and its failback hold (10 m by default) still runs.
    public var reopenWindow: Duration

    /// Creates ingest settings with the documented defaults.
    public init(maxBatchSize: Int = 256, maxPending: Int = 4096, reopenWindow: Duration = .seconds(60)) {
        self.maxBatchSize = maxBatchSize
        self.maxPending = maxPending
        self.reopenWindow = reopenWindow
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

/// The `engine:` section: how runbooks run.
public struct EngineSettings: Sendable, Hashable {
    /// Every execution is a dry run: DNS is read and planned, nothing outside failoverd changes. Default `false`
    /// (`--dry-run` sets it too).
    public var dryRun: Bool
    /// Executions run at once. Default 4.
    public var workers: Int
    /// How long a claim on an execution holds without renewal. Default 30 s.
    public var lease: Duration
    /// How often due work is looked for without a wake-up. Default 1 s.
    public var pollInterval: Duration

    /// Creates engine settings with the documented defaults.
    public init(
        dryRun: Bool = false, workers: Int = 4, lease: Duration = .seconds(30), pollInterval: Duration = .seconds(1)
    ) {
        self.dryRun = dryRun
        self.workers = workers
        self.lease = lease
        self.pollInterval = pollInterval
    }
}
