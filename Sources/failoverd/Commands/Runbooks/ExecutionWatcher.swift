import FailoverCore
import FailoverStore

/// Follows an execution through the API until it ends.
struct ExecutionWatcher {
    let client: OperatorAPIClient

    /// Polls `GET /api/v1/executions/{id}` until the execution is final or `timeout` has passed; the execution and
    /// the API's JSON of it.
    func waitUntilFinished(_ id: Int64, timeout: Duration) async throws -> (ExecutionRecord, [UInt8]) {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var interval = Duration.milliseconds(100)
        while true {
            let body = try await client.get("/api/v1/executions/\(id)")
            let execution = try client.decode(ExecutionRecord.self, from: body)
            if execution.state.isFinal { return (execution, body) }
            guard ContinuousClock.now < deadline else {
                throw CommandFailure(
                    "execution \(id) is still \(execution.state.rawValue) after \(DurationText.compact(timeout)); "
                        + "follow it with: failoverd executions \(id)")
            }
            try await Task.sleep(for: interval)
            interval = min(interval * 2, .seconds(1))
        }
    }
}
