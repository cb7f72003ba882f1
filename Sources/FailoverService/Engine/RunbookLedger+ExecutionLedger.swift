import FailoverCore
import FailoverEngine
import FailoverStore

/// The SQLite ledger behind the engine's port.
extension RunbookLedger: ExecutionLedger {
    public func runTimers(now: Int64) async throws -> [Int64] {
        try await tick(now: now).scheduled
    }
}
