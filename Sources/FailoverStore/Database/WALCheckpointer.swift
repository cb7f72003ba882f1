import Foundation
import GRDB
import Logging

/// Moves the write-ahead log into the database file in the background, on a connection of its own.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses the WAL threshold, which puts the copy and
/// its fsync on one unlucky webhook's acknowledgement (the p99 of `make bench`). The writer's automatic
/// checkpoint is therefore off, and this thread runs a passive checkpoint every interval instead: passive
/// checkpoints never wait for the writer's lock, so ingest is never blocked by them.
final class WALCheckpointer: @unchecked Sendable {
    private let connection: DatabaseQueue
    private let interval: TimeInterval
    private let logger: Logger
    private let condition = NSCondition()
    private var stopping = false
    private var stopped = false

    init(path: String, interval: Duration, logger: Logger) throws {
        var configuration = Configuration()
        configuration.label = "failoverd-checkpointer"
        configuration.busyMode = .immediateError
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.interval = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        self.logger = logger
        let thread = Thread { [self] in run() }
        thread.name = "failoverd-wal-checkpointer"
        thread.start()
    }

    /// Stops the thread and closes its connection; returns when both are done.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
        try? connection.close()
    }

    private func run() {
        condition.lock()
        while !stopping {
            _ = condition.wait(until: Date(timeIntervalSinceNow: interval))
            if stopping { break }
            condition.unlock()
            do {
                try connection.writeWithoutTransaction { db in
                    _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                }
            } catch {
                logger.debug("passive WAL checkpoint skipped", metadata: ["error": "\(error)"])
            }
            condition.lock()
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
