import FailoverEngine
import FailoverProcess
import Logging

/// `exec` steps through the process runner (own process group, timeout then SIGKILL, capped output).
struct ProcessStepLauncher: StepProcessLauncher {
    let runner: ProcessRunner

    func launch(_ request: StepProcessRequest) async throws(StepProcessError) -> StepProcessResult {
        do {
            let outcome = try await runner.run(
                ProcessRequest(
                    arguments: request.arguments, environment: request.environment,
                    workingDirectory: request.workingDirectory, timeout: request.timeout))
            var exitStatus: Int32?
            var signal: Int32?
            switch outcome.termination {
            case .exited(let status): exitStatus = status
            case .signaled(let number): signal = number
            }
            return StepProcessResult(
                exitStatus: exitStatus, signal: signal, timedOut: outcome.timedOut, output: outcome.output,
                outputTruncated: outcome.outputTruncated)
        } catch {
            throw StepProcessError(message: error.message)
        }
    }

    func stopLeftovers(executionID: Int64, stepID: String) async -> [Int32] {
        await runner.stopLeftovers(
            taggedWith: ["FAILOVERD_EXECUTION_ID": "\(executionID)", "FAILOVERD_STEP_ID": stepID])
    }
}
