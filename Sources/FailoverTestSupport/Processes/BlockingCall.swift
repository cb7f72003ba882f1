import Foundation

/// Runs blocking work (a child process, a socket wait) on a Dispatch thread, never on Swift's cooperative pool:
/// on a 2-core machine that pool has two threads, and a test blocking one of them can starve the handlers of the
/// server under test (and the server's own timers).
public enum BlockingCall {
    /// Runs `work` on a Dispatch thread and returns what it returns.
    public static func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }
}
