import Logging
import Subprocess

#if canImport(Glibc)
    import Glibc
#endif
#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Runs the commands of runbook `exec` steps (the adapter the runbook engine calls through its own protocol).
///
/// The child gets exactly the request's argument vector (no shell) and environment, `/dev/null` as standard
/// input, one pipe for standard output and error together, and none of failoverd's other file descriptors. It
/// leads a process group of its own, so a timeout or a cancelled caller stops everything it started: `SIGTERM`
/// to the group, `SIGKILL` to what still runs after the kill grace. Waiting uses swift-subprocess's pidfd
/// monitor thread, and the output pipe is read by dispatch sources (``CombinedOutputPipe``), so no thread is held
/// while a command runs.
public struct ProcessRunner: Sendable {
    let logger: Logger
    /// Makes the output pipe of each run (`pipe(2)`; a test makes it fail).
    let makePipe: CombinedOutputPipe.PipeMaker

    /// Creates a runner that logs launches, timeouts and kills to `logger` (never the environment).
    public init(logger: Logger) {
        self.init(logger: logger, makingPipesWith: { pipe($0) })
    }

    /// A runner whose output pipes come from `makePipe`, for tests that make creating one fail.
    init(logger: Logger, makingPipesWith makePipe: @escaping CombinedOutputPipe.PipeMaker) {
        self.logger = logger
        self.makePipe = makePipe
    }

    /// Runs `request` and returns how it ended, once the process has been reaped and its output closed.
    ///
    /// A non-zero exit, a signal or a timeout is an outcome, not an error. When the calling task is cancelled
    /// the process group is stopped as for a timeout and the outcome is returned (with `timedOut` false).
    ///
    /// - Throws: ``ProcessLaunchError`` when the process cannot be started, or when the calling task was
    ///   already cancelled before it was.
    public func run(_ request: ProcessRequest) async throws(ProcessLaunchError) -> ProcessOutcome {
        let plan = try LaunchPlan(request)
        guard !Task.isCancelled else {
            throw ProcessLaunchError(message: "exec \(plan.argumentZero): cancelled before it was started")
        }
        let supervisor = ProcessGroupSupervisor(
            killGrace: request.killGrace, command: plan.argumentZero, logger: logger)
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = Task { [timeout = request.timeout] in
            guard (try? await Task.sleep(until: started.advanced(by: timeout), clock: clock)) != nil else { return }
            supervisor.requestStop(.timeout)
        }
        defer { deadline.cancel() }
        // Run outside the caller's task: swift-subprocess reacts to cancellation with its own teardown, which
        // stops at the leader's exit; cancellation goes to the supervisor instead, which watches the whole group.
        let execution = Task { [logger, makePipe] in
            try await Self.execute(plan, request, supervisor: supervisor, makePipe: makePipe, logger: logger)
        }
        let result = await withTaskCancellationHandler {
            await execution.result
        } onCancel: {
            supervisor.requestStop(.cancellation)
        }
        let duration = clock.now - started
        let stopReason = await supervisor.finish()
        switch result {
        case .success(let finished):
            let outcome = ProcessOutcome(
                termination: finished.termination, timedOut: stopReason == .timeout, output: finished.output.text,
                outputBytes: finished.output.totalBytes, outputTruncated: finished.output.isTruncated,
                duration: duration, processID: finished.processID)
            logger.debug(
                "exec step finished",
                metadata: [
                    "command": "\(plan.argumentZero)", "pid": "\(outcome.processID)",
                    "termination": "\(outcome.termination)",
                    "timed_out": "\(outcome.timedOut)", "output_bytes": "\(outcome.outputBytes)",
                    "duration": "\(duration)",
                ])
            return outcome
        case .failure(let error):
            let message = (error as? ProcessLaunchError)?.message ?? "exec \(plan.argumentZero): \(error)"
            logger.warning("exec step could not run", metadata: ["error": "\(message)"])
            throw ProcessLaunchError(message: message)
        }
    }

    /// What a run produced before it is turned into a ``ProcessOutcome``.
    private struct FinishedProcess: Sendable {
        var termination: ProcessTermination
        var output: CombinedOutputCapture
        var processID: Int32
    }

    private static func execute(
        _ plan: LaunchPlan, _ request: ProcessRequest, supervisor: ProcessGroupSupervisor,
        makePipe: CombinedOutputPipe.PipeMaker, logger: Logger
    ) async throws -> FinishedProcess {
        var options = PlatformOptions()
        options.processGroupID = 0  // a new group, led by the child: its ID is the child's PID
        var environment: [Environment.Key: String] = [:]
        for (key, value) in request.environment { environment[Environment.Key(stringLiteral: key)] = value }
        let limit = request.outputLimit
        let command = plan.argumentZero
        let pipe = try CombinedOutputPipe(makingPipeWith: makePipe)
        let result: ExecutionResult<CombinedOutputCapture, FileDescriptorOutput, CombinedErrorOutput>
        do {
            result = try await Subprocess.run(
                .path(FilePath(plan.executablePath)),
                arguments: Arguments(
                    executablePathOverride: plan.argumentZero, remainingValues: plan.remainingArguments),
                environment: .custom(environment),
                workingDirectory: request.workingDirectory.map { FilePath($0) },
                platformOptions: options,
                input: .none,
                // Our own pipe, not swift-subprocess's (see CombinedOutputPipe); it closes the write end after
                // the spawn, or when the spawn fails.
                output: .fileDescriptor(FileDescriptor(rawValue: pipe.writeEnd), closeAfterSpawningProcess: true),
                error: .combinedWithOutput
            ) { execution in
                let pid = execution.processIdentifier.value
                supervisor.launched(pid)
                logger.debug("exec step started", metadata: ["command": "\(command)", "pid": "\(pid)"])
                return await pipe.read(limit: limit, leaderDescriptor: execution.processIdentifier.processDescriptor)
            }
        } catch let error as SubprocessError {
            pipe.closeUnread()
            throw ProcessLaunchError(message: "exec \(command): \(error)")
        } catch {
            pipe.closeUnread()
            throw error
        }
        let termination: ProcessTermination =
            switch result.terminationStatus {
            case .exited(let status): .exited(status)
            case .signaled(let signal): .signaled(signal)
            }
        return FinishedProcess(
            termination: termination, output: result.closureResult, processID: result.processIdentifier.value)
    }
}
