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

    private struct State {
        var settings: Settings
        /// Every runbook definition loaded since the process started, by digest: an execution scheduled before a
        /// reload runs the definition it was scheduled with.
        var definitions: [String: RunbookDefinition] = [:]

        mutating func remember(_ catalog: RunbookCatalog) {
            for runbook in catalog.runbooks where !runbook.digest.isEmpty {
                definitions[runbook.digest] = runbook
            }
        }
    }

    private let current: Mutex<State>

    /// Creates a policy.
    public init(_ settings: Settings = Settings()) {
        var state = State(settings: settings)
        state.remember(settings.catalog)
        current = Mutex(state)
    }

    /// The settings in force.
    public var settings: Settings { current.withLock { $0.settings } }

    /// Replaces the settings; transactions that already started keep the ones they read, and executions
    /// scheduled before keep their definitions (``definition(named:digest:)``).
    public func replace(_ settings: Settings) {
        current.withLock { state in
            state.settings = settings
            state.remember(settings.catalog)
        }
    }

    /// The definition an execution runs: the one with `digest` (the version it was scheduled with, in force now
    /// or replaced by a reload of this process), or, for an execution without a digest, the runbook named `name`
    /// in force now. Nil when that version is not known to this process (the configuration changed across a
    /// restart) or the runbook is gone.
    public func definition(named name: String, digest: String?) -> RunbookDefinition? {
        current.withLock { state in
            guard let digest else { return state.settings.catalog.runbook(named: name) }
            return state.definitions[digest]
        }
    }
}
