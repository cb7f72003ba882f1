import FailoverCore
import Synchronization

/// What the store's decisions need from the configuration: the runbooks matched on the ingest path, the reopen
/// window of firing periods, and the global dry run. Swappable at run time (configuration reload).
public final class RunbookPolicy: Sendable {
    /// One consistent set of settings.
    public struct Settings: Sendable, Hashable {
        /// The runbooks.
        public var catalog: RunbookCatalog
        /// How long a firing after a resolution waits before it reopens the episode (`ingest.reopen_window`).
        public var reopenWindow: Duration
        /// Whether every execution is a dry run (`--dry-run`, `engine.dry_run`).
        public var dryRun: Bool

        /// Creates settings.
        public init(catalog: RunbookCatalog = .empty, reopenWindow: Duration = .seconds(60), dryRun: Bool = false) {
            self.catalog = catalog
            self.reopenWindow = reopenWindow
            self.dryRun = dryRun
        }
    }

    private let current: Mutex<Settings>

    /// Creates a policy.
    public init(_ settings: Settings = Settings()) {
        current = Mutex(settings)
    }

    /// The settings in force.
    public var settings: Settings { current.withLock { $0 } }

    /// Replaces the settings; transactions that already started keep the ones they read.
    public func replace(_ settings: Settings) {
        current.withLock { $0 = settings }
    }
}
