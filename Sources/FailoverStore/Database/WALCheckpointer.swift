import Foundation
import GRDB
import Logging
import Synchronization

/// Keeps the write-ahead log short without putting checkpoints on the webhook path.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold (1000 pages: every few dozen
/// webhooks), which put a copy and an fsync of the database file on those webhooks' acknowledgements (in
/// `make bench` it raised the 90th percentile at one connection to 2 ms), so it is off. Instead this thread
/// copies the log into the database continuously, in small passive checkpoints on a connection of its own that
/// never wait for the writer. Passive checkpoints alone never let the log start over while commits keep coming
/// (it grew past 1 GB in a minute of load), so once the log is long and nearly all copied, the writer finishes
/// the last frames itself between two batches (``finishCheckpointIfDue(on:)``); its next commit then starts the
/// log from the beginning. Large, rare checkpoints were tried and were worse: their fsync of tens of MiB stalls
/// every commit behind it.
final class WALCheckpointer: @unchecked Sendable {
    /// Log frames (pages of 4 KiB) above which the writer completes the checkpoint: 64 MiB.
    static let restartFrames = 16_384
    /// Frames the writer is willing to copy itself (about 2 MiB): a pause of a millisecond or two.
    static let writerCopyFrames = 512

    private let connection: DatabaseQueue
    private let idleInterval: TimeInterval
    private let logger: Logger
    private let condition = NSCondition()
    private var stopping = false
    private var stopped = false
    /// Frames in the log and frames already copied, as of the last passive checkpoint.
    private let progress = Mutex<(log: Int, copied: Int)>((0, 0))

    init(path: String, idleInterval: Duration, logger: Logger) throws {
        var configuration = Configuration()
        configuration.label = "failoverd-checkpointer"
        configuration.busyMode = .immediateError
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.idleInterval =
            Double(idleInterval.components.seconds) + Double(idleInterval.components.attoseconds) / 1e18
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

    /// On the writer's connection, outside a transaction: completes the checkpoint when the log is long and the
    /// background thread has copied nearly all of it, so that the next commit restarts the log.
    func finishCheckpointIfDue(on pool: DatabasePool) {
        let due = progress.withLock { state in
            state.log >= Self.restartFrames && state.log - state.copied <= Self.writerCopyFrames
        }
        guard due else { return }
        do {
            try pool.writeWithoutTransaction { db in
                if let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") { record(row) }
            }
        } catch {
            logger.debug("checkpoint on the writer skipped", metadata: ["error": "\(error)"])
        }
        // Let the background thread measure again before the writer tries once more.
        progress.withLock { $0 = (0, 0) }
    }

    private func record(_ row: Row) {
        let log: Int = row[1] ?? 0
        let copied: Int = row[2] ?? 0
        progress.withLock { $0 = (max(log, 0), max(copied, 0)) }
    }

    private func run() {
        // Copying pages is background work: let the scheduler run the request and writer threads first. (On
        // Linux the nice value belongs to the calling thread.)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        condition.lock()
        while !stopping {
            condition.unlock()
            var behind = 0
            do {
                try connection.writeWithoutTransaction { db in
                    if let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") {
                        record(row)
                        behind = (row[1] as Int? ?? 0) - (row[2] as Int? ?? 0)
                    }
                }
            } catch {
                logger.debug("passive WAL checkpoint skipped", metadata: ["error": "\(error)"])
            }
            condition.lock()
            // Small and frequent while the log runs ahead; rest when caught up.
            let pause = behind > Self.writerCopyFrames ? 0.05 : idleInterval
            if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: pause)) }
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
