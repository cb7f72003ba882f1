/// Waiting for a condition with a deadline: tests poll what they look for instead of sleeping a fixed time.
public enum PollingDeadline {
    /// Calls `probe` every `interval` until it returns a value, and returns that value; throws a
    /// ``FailoverdAPIError`` naming `what` once `timeout` has passed. Errors `probe` throws end the wait at once.
    @discardableResult
    public static func wait<Value>(
        for what: String, within timeout: Duration, every interval: Duration = .milliseconds(100),
        _ probe: () async throws -> Value?
    ) async throws -> Value {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let value = try await probe() { return value }
            guard ContinuousClock.now < deadline else {
                throw FailoverdAPIError("waited \(timeout) in vain for \(what)")
            }
            try await Task.sleep(for: interval)
        }
    }
}
