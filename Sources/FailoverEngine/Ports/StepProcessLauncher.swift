/// Runs `exec` steps' programs (argv, no shell; timeout then SIGKILL of the process group).
public protocol StepProcessLauncher: Sendable {
    /// Runs the program to completion or timeout.
    func launch(_ request: StepProcessRequest) async throws(StepProcessError) -> StepProcessResult
    /// Stops what an earlier process left running for this step (its program and their groups) before the step is
    /// rerun or failed after an interruption; returns the PIDs it found.
    func stopLeftovers(executionID: Int64, stepID: String) async -> [Int32]
}

/// A program to run.
public struct StepProcessRequest: Sendable, Hashable {
    /// argv.
    public var arguments: [String]
    /// The complete environment of the child.
    public var environment: [String: String]
    /// The working directory.
    public var workingDirectory: String?
    /// The timeout.
    public var timeout: Duration

    /// Creates a request.
    public init(arguments: [String], environment: [String: String], workingDirectory: String?, timeout: Duration) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
    }
}

/// How the program ended.
public struct StepProcessResult: Sendable, Hashable {
    /// The exit status, when it exited.
    public var exitStatus: Int32?
    /// The signal that ended it, when one did.
    public var signal: Int32?
    /// Whether the timeout killed it.
    public var timedOut: Bool
    /// Combined stdout and stderr, capped.
    public var output: String
    /// Whether output was cut.
    public var outputTruncated: Bool

    /// Creates a result.
    public init(exitStatus: Int32?, signal: Int32?, timedOut: Bool, output: String, outputTruncated: Bool) {
        self.exitStatus = exitStatus
        self.signal = signal
        self.timedOut = timedOut
        self.output = output
        self.outputTruncated = outputTruncated
    }

    /// Exited 0 within the timeout.
    public var succeeded: Bool { exitStatus == 0 && !timedOut }
}

/// The program could not be started.
public struct StepProcessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why.
    public var message: String

    /// Creates an error.
    public init(message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
