import Foundation
import GRDB

/// Holds an SQLite database's write lock from a connection of its own, as another process would, until
/// ``release()``: the way tests make commits fail with "database is locked" and make writers wait.
///
/// The lock is taken on a thread of its own, never on Swift's cooperative pool, which the code under test needs.
public final class SQLiteWriteLock: Sendable {
    private let acquired = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// Opens the database at `path` and takes its write lock (`BEGIN IMMEDIATE`); returns once it holds it.
    public init(path: String) throws {
        let queue = try ExternalConnection.open(path)
        let thread = Thread { [acquired, gate, finished] in
            try? queue.inTransaction(.immediate) { _ in
                acquired.signal()
                // A safety net for a test that fails before it releases: long enough for any loaded machine.
                _ = gate.wait(timeout: .now() + 300)
                return .commit
            }
            finished.signal()
        }
        thread.start()
        _ = acquired.wait(timeout: .now() + 10)
    }

    /// Commits the holding transaction and returns once the lock is free.
    public func release() {
        gate.signal()
        _ = finished.wait(timeout: .now() + 10)
    }
}
