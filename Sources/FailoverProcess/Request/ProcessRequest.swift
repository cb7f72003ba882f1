/// What a runbook `exec` step runs: an argument vector (never a shell command line), the complete environment
/// of the child, its working directory and the limits it runs under.
public struct ProcessRequest: Sendable, Hashable {
    /// The argument vector. `arguments[0]` is an absolute path, or a bare name (no `/`) looked up in the `PATH`
    /// of ``environment``; it is also the child's `argv[0]`, as given.
    public var arguments: [String]
    /// The complete environment of the child: nothing of failoverd's own environment is added (the caller decides
    /// what to inherit). Its `PATH` is the one a bare name in `arguments[0]` is looked up in.
    public var environment: [String: String]
    /// The directory the child starts in; `nil` keeps failoverd's.
    public var workingDirectory: String?
    /// How long the step may run, counted from the start of ``ProcessRunner/run(_:)``. When it has passed, the
    /// whole process group gets `SIGTERM`, then `SIGKILL` after ``killGrace``.
    public var timeout: Duration
    /// How long the process group has between `SIGTERM` and `SIGKILL`.
    public var killGrace: Duration
    /// How many bytes of the combined standard output and error are kept; the rest is counted and dropped.
    public var outputLimit: Int

    /// The default ``killGrace``: 5 seconds.
    public static let defaultKillGrace: Duration = .seconds(5)
    /// The default ``outputLimit``: 64 KiB.
    public static let defaultOutputLimit = 64 * 1024

    /// Creates a request; a negative `killGrace` counts as zero and a negative `outputLimit` keeps no output.
    public init(
        arguments: [String],
        environment: [String: String],
        workingDirectory: String? = nil,
        timeout: Duration,
        killGrace: Duration = ProcessRequest.defaultKillGrace,
        outputLimit: Int = ProcessRequest.defaultOutputLimit
    ) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
        self.killGrace = max(killGrace, .zero)
        self.outputLimit = max(outputLimit, 0)
    }
}
