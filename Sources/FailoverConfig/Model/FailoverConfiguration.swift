import FailoverCore

/// The whole configuration of a failoverd instance, as read from YAML or taken from the embedded defaults.
public struct FailoverConfiguration: Sendable, Hashable {
    /// The HTTP server: listen address, limits, inbound auth.
    public var server: ServerSettings
    /// The SQLite state file.
    public var storage: StorageSettings
    /// The webhook ingest path (group commit).
    public var ingest: IngestSettings
    /// Pruning of old webhook bodies and audit events.
    public var retention: RetentionSettings
    /// Named DNS provider accounts, in file order.
    public var providers: [ProviderAccountConfiguration]
    /// The runbooks, in file order.
    public var runbooks: RunbookCatalog
    /// How runbooks run.
    public var engine: EngineSettings
    /// Signing the audit chain's head.
    public var audit: AuditSettings
    /// Things that are allowed but probably wrong (`failoverd check-config` prints them; the service logs them).
    public var warnings: [ConfigurationProblem]

    /// Creates a configuration; every parameter defaults to the embedded defaults.
    public init(
        server: ServerSettings = .init(), storage: StorageSettings = .init(), ingest: IngestSettings = .init(),
        retention: RetentionSettings = .init(), providers: [ProviderAccountConfiguration] = [],
        runbooks: RunbookCatalog = .empty, engine: EngineSettings = .init(), audit: AuditSettings = .init(),
        warnings: [ConfigurationProblem] = []
    ) {
        self.audit = audit
        self.runbooks = runbooks
        self.engine = engine
        self.warnings = warnings
        self.server = server
        self.storage = storage
        self.ingest = ingest
        self.retention = retention
        self.providers = providers
    }

    /// The embedded defaults `failoverd serve` runs on without a configuration file.
    public static let defaults = FailoverConfiguration()

    /// The provider account with this name.
    public func provider(named name: String) -> ProviderAccountConfiguration? {
        providers.first { $0.name == name }
    }
}
