/// What running a ``ProcessRequest`` produced.
public struct ProcessOutcome: Sendable, Hashable {
    /// How the process ended.
    public var termination: ProcessTermination
    /// Whether the runner had to stop the process group because the timeout passed.
    public var timedOut: Bool
    /// The combined standard output and error in the order they arrived, decoded as UTF-8 with invalid bytes
    /// replaced by U+FFFD; at most ``ProcessRequest/outputLimit`` bytes of UTF-8.
    public var output: String
    /// Every byte the process group wrote to its output, kept or not.
    public var outputBytes: Int
    /// Whether output beyond ``ProcessRequest/outputLimit`` was dropped.
    public var outputTruncated: Bool
    /// From the launch until the process was reaped and its output closed.
    public var duration: Duration
    /// The process's ID, which is also its process group's ID.
    public var processID: Int32

    /// Whether the step succeeded: the process exited with status 0 and was not stopped for its timeout.
    public var succeeded: Bool { termination == .exited(0) && !timedOut }

    /// Creates an outcome.
    public init(
        termination: ProcessTermination, timedOut: Bool, output: String, outputBytes: Int, outputTruncated: Bool,
        duration: Duration, processID: Int32
    ) {
        self.termination = termination
        self.timedOut = timedOut
        self.output = output
        self.outputBytes = outputBytes
        self.outputTruncated = outputTruncated
        self.duration = duration
        self.processID = processID
    }
}
