import Foundation

/// How the runbook engine runs; every value has a documented default.
public struct EngineConfiguration: Sendable, Hashable {
    /// This process's name in claims (`host:pid:start`). Default: made up at start.
    public var owner: String
    /// Executions run at once. Default 4.
    public var workers: Int
    /// How long a claim holds without renewal; renewed every third of it while the execution runs. Default 30 s.
    public var lease: Duration
    /// How often the engine looks for due timers and executions without a wake-up. Default 1 s.
    public var pollInterval: Duration
    /// Output of an `exec` step kept in the audit and the API. Default 4 KiB.
    public var outputLimit: Int
    /// The environment `exec` steps inherit (before `FAILOVERD_*` and the step's own). Default: `PATH` and `LANG`
    /// of failoverd's environment, nothing else (no secrets leak into runbook programs).
    public var baseEnvironment: [String: String]

    /// Creates a configuration.
    public init(
        owner: String = EngineConfiguration.defaultOwner(), workers: Int = 4, lease: Duration = .seconds(30),
        pollInterval: Duration = .seconds(1), outputLimit: Int = 4096,
        baseEnvironment: [String: String] = EngineConfiguration.inheritedEnvironment()
    ) {
        self.owner = owner
        self.workers = max(1, workers)
        self.lease = lease
        self.pollInterval = pollInterval
        self.outputLimit = outputLimit
        self.baseEnvironment = baseEnvironment
    }

    /// `host:pid:random`.
    public static func defaultOwner() -> String {
        let info = ProcessInfo.processInfo
        return "\(info.hostName):\(info.processIdentifier):\(UInt32.random(in: 0...UInt32.max))"
    }

    /// `PATH` and `LANG` of this process.
    public static func inheritedEnvironment() -> [String: String] {
        let environment = ProcessInfo.processInfo.environment
        var inherited: [String: String] = ["PATH": environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"]
        if let lang = environment["LANG"] { inherited["LANG"] = lang }
        return inherited
    }
}
