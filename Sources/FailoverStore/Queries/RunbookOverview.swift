import FailoverCore

/// The answer of `GET /api/v1/runbooks`: every configured runbook with its keys, their latest executions and its
/// pause. The service encodes it; the CLI decodes it.
public struct RunbookOverview: Sendable, Hashable, Codable {
    /// One configured runbook.
    public struct Runbook: Sendable, Hashable, Codable {
        /// Its name.
        public var name: String
        /// Its matchers, in canonical text.
        public var match: [String]
        /// Its key labels.
        public var keyLabels: [String]
        /// `min_firing`.
        public var minFiring: String
        /// How many failover steps it has (top level).
        public var steps: Int
        /// `auto`, `manual` or `none`.
        public var failbackMode: String
        /// The failback hold.
        public var failbackHold: String
        /// How many failback steps it has.
        public var failbackSteps: Int
        /// The flap guard, `3 per 1h`, when set.
        public var maxExecutions: String?
        /// Whether its executions only report.
        public var dryRun: Bool
        /// Whether it is paused.
        public var paused: Bool
        /// The pause, when paused.
        public var pause: RunbookPauseView?
        /// Its keys.
        public var keys: [Key]

        /// Creates a runbook entry.
        public init(
            name: String, match: [String], keyLabels: [String], minFiring: String, steps: Int, failbackMode: String,
            failbackHold: String, failbackSteps: Int, maxExecutions: String?, dryRun: Bool, paused: Bool,
            pause: RunbookPauseView?, keys: [Key]
        ) {
            self.name = name
            self.match = match
            self.keyLabels = keyLabels
            self.minFiring = minFiring
            self.steps = steps
            self.failbackMode = failbackMode
            self.failbackHold = failbackHold
            self.failbackSteps = failbackSteps
            self.maxExecutions = maxExecutions
            self.dryRun = dryRun
            self.paused = paused
            self.pause = pause
            self.keys = keys
        }
    }

    /// One key of a runbook and its latest executions, newest first.
    public struct Key: Sendable, Hashable, Codable {
        /// The key's state.
        public var state: RunbookKeyView
        /// Its latest executions.
        public var lastExecutions: [ExecutionRecord]

        /// Creates a key entry.
        public init(state: RunbookKeyView, lastExecutions: [ExecutionRecord]) {
            self.state = state
            self.lastExecutions = lastExecutions
        }
    }

    /// The runbooks, in configuration order.
    public var runbooks: [Runbook]
    /// Whether the whole service runs dry (`engine.dry_run` or `serve --dry-run`).
    public var dryRun: Bool

    /// Creates an overview.
    public init(runbooks: [Runbook], dryRun: Bool) {
        self.runbooks = runbooks
        self.dryRun = dryRun
    }
}
