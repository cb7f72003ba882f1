import Foundation
import GRDB
import GRDBSQLite
import Logging
import Synchronization

/// Keeps the write-ahead log short without stalling webhook acknowledgements.
///
/// Every byte committed to the log is copied into the database file later, and that copy ends in an fsync of
/// the database file. How the copying is split up decides the latency of the commits around it. Measured with
/// `make bench` on the development VM (one connection, webhook after webhook):
/// - SQLite's automatic checkpoint (1000 pages, inside the commit that crosses it): p90 2 ms.
/// - A background thread copying every 200 ms: its fsync of tens of MiB delays the writer's next commits by
///   10–20 ms, p99 about 7 ms.
/// - The writer copying the log itself once it holds 256 KiB, after it has answered the batch: p99 below
///   1 ms, because each copy is small and never overlaps a commit. But a webhook that arrives during the copy
///   waits for it, and the commit after a copy starts the log over, which costs one more fsync, of the log's
///   header (SQLite syncs it at `synchronous = FULL`). With the bench payload's 9 pages a commit that was every
///   seventh webhook. At 1 MiB it is about one in 28: three alternated rounds, p50 0.70–0.75 against 0.82 ms,
///   p90 1.1–1.3 against 1.9–2.1 ms, 20 % less CPU per webhook, p99 2.8–7.2 ms (naive 8.1–10.1 ms).
///
/// Under concurrency that policy would cost throughput (every copy pauses the group commit), so the writer
/// copies only after a batch of a single delivery during whose commit no other webhook arrived. Otherwise
/// the copying is left to the background thread, which runs once the log holds ``backgroundBytes`` not yet
/// copied, or when commits have stopped. Passive checkpoints never let the log start over while commits keep
/// coming, so once the log is long and nearly all copied, the writer finishes the last frames itself between
/// two batches (``finishCheckpointIfDue(on:)``) and its next commit starts the log from the beginning.
///
/// A passive checkpoint that cannot copy the whole log (commits keep coming) writes pages into the database file
/// but does not sync it: SQLite syncs the file only when a checkpoint completes. Under a steady flood the file
/// then gathered tens of MiB of unsynced pages, and the writer's ``finishCheckpointIfDue(on:)`` paid for all of
/// them in one fsync while every webhook waited (121 ms for 40 MB, measured with `strace -T` at 32 connections;
/// wrk's p99 77–87 ms against the naive reference's 22). So the background thread syncs the database file itself
/// after each copy, a few MiB at a time, and the writer's final sync finds little to write: two alternated 10 s
/// rounds then measured p99 17.6 / 21.1 ms against the reference's 26.6 / 25.1 ms (without the sync 69 / 93 ms).
///
/// The limits are in bytes and turned into pages with the database's page size.
final class WALCheckpointer: @unchecked Sendable {
    /// Log bytes above which the writer copies the log after a single-delivery batch: 1 MiB.
    static let inlineBytes = 1 << 20
    /// Bytes not yet copied above which the background thread copies them while commits continue: 4 MiB.
    static let backgroundBytes = 4 << 20
    /// Log bytes above which the writer completes the checkpoint so the log can start over: 64 MiB.
    static let restartBytes = 64 << 20
    /// Bytes the writer is willing to copy to complete it (2 MiB): a pause of a millisecond or two.
    static let writerCopyBytes = 2 << 20

    /// ``inlineBytes`` and the other limits in pages of this database.
    private let inlineFrames: Int
    private let backgroundFrames: Int
    private let restartFrames: Int
    private let writerCopyFrames: Int

    private let connection: DatabaseQueue
    /// A descriptor of the database file, read-only, for the background thread's `fdatasync` (-1 if it could not
    /// be opened: SQLite's own sync at the end of a checkpoint then does all of it).
    private let databaseFile: Int32
    /// Syncs `databaseFile`: `fdatasync(2)` in the service; a test passes one that fails as the kernel does.
    private let syncFile: @Sendable (Int32) -> Int32
    private let pollInterval: TimeInterval
    private let logger: Logger
    private let condition = NSCondition()
    private var stopping = false
    private var stopped = false
    /// The log's length in pages after the writer's last commit, and how many commits there have been.
    private let commits = Mutex<(frames: Int, count: Int)>((0, 0))
    /// Frames in the log and frames already copied, as of the last checkpoint.
    private let progress = Mutex<(log: Int, copied: Int)>((0, 0))

    /// Opens the background checkpoint connection and starts its thread.
    ///
    /// - Parameters:
    ///   - pollInterval: how often the thread looks at the log's length; after a whole interval without commits
    ///     it copies whatever is left.
    ///   - syncFile: syncs the database file after a copy (`fdatasync`; -1 and `errno` on failure).
    init(
        path: String, pollInterval: Duration, logger: Logger,
        syncingFileWith syncFile: @escaping @Sendable (Int32) -> Int32 = { fdatasync($0) }
    ) throws {
        var configuration = Configuration()
        configuration.label = "failoverd-checkpointer"
        configuration.busyMode = .immediateError
        // A checkpoint overwrites pages of the database file; with FULL it syncs the file before the log may start
        // over, so a power cut during the copy cannot lose what the log held.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        connection = try DatabaseQueue(path: path, configuration: configuration)
        let pageSize = max(try connection.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } ?? 4096, 512)
        inlineFrames = Self.inlineBytes / pageSize
        backgroundFrames = Self.backgroundBytes / pageSize
        restartFrames = Self.restartBytes / pageSize
        writerCopyFrames = Self.writerCopyBytes / pageSize
        databaseFile = open(path, O_RDONLY | O_CLOEXEC)
        self.syncFile = syncFile
        self.pollInterval =
            Double(pollInterval.components.seconds) + Double(pollInterval.components.attoseconds) / 1e18
        self.logger = logger
        let thread = Thread { [self] in run() }
        thread.name = "failoverd-wal-checkpointer"
        thread.start()
    }

    /// The checkpoint connection's `PRAGMA synchronous` level (2 is FULL).
    func synchronousLevel() throws -> Int {
        try connection.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Stops the thread and closes its connection; returns when both are done.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
        try? connection.close()
        if databaseFile >= 0 { close(databaseFile) }
    }

    /// Reports every commit of `db` (the writer's connection) to this checkpointer, through SQLite's WAL hook.
    ///
    /// The hook only records the log's length; it never checkpoints (SQLite's automatic checkpoint, which
    /// uses the same hook, is thereby off). The checkpointer must outlive the connection.
    func observeCommits(of db: Database) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, _, _, frames in
                guard let context else { return SQLITE_OK }
                let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
                checkpointer.noteCommit(frames: Int(frames))
                return SQLITE_OK
            }, context)
    }

    private func noteCommit(frames: Int) {
        let restarted = commits.withLock { state in
            defer { state = (frames, state.count &+ 1) }
            return frames < state.frames
        }
        // The log only gets shorter when a commit starts it over: nothing in the new log is copied yet.
        if restarted { progress.withLock { $0 = (0, 0) } }
    }

    /// Pages in the log not yet copied into the database file, as far as the last commit and checkpoint tell.
    private var uncopiedFrames: Int {
        let frames = commits.withLock { $0.frames }
        let (log, copied) = progress.withLock { $0 }
        return frames >= log ? frames - copied : frames
    }

    /// On the writer's connection, outside a transaction, after a batch of `deliveries` was answered and while
    /// nothing waits for the writer: copies a short log into the database file.
    func checkpointWhileIdle(afterBatchOf deliveries: Int, on pool: DatabasePool) {
        guard copyDueWhileIdle(afterBatchOf: deliveries) else { return }
        checkpoint(on: pool, reason: "on the writer")
    }

    /// Whether ``checkpointWhileIdle(afterBatchOf:on:)`` would copy anything now.
    func copyDueWhileIdle(afterBatchOf deliveries: Int) -> Bool {
        guard deliveries == 1 else { return false }
        // The log's length, not the estimate of what is left to copy: a stale estimate must not stop the
        // copies for good. A log that is long but already copied makes the copy a no-op without an fsync.
        let frames = commits.withLock { $0.frames }
        return frames >= inlineFrames && uncopiedFrames < backgroundFrames
    }

    /// On the writer's connection, outside a transaction: completes the checkpoint when the log is long and the
    /// background thread has copied nearly all of it, so that the next commit restarts the log.
    func finishCheckpointIfDue(on pool: DatabasePool) {
        let due = progress.withLock { state in
            state.log >= restartFrames && state.log - state.copied <= writerCopyFrames
        }
        guard due else { return }
        checkpoint(on: pool, reason: "to restart the log")
        // Let the background thread measure again before the writer tries once more.
        progress.withLock { $0 = (0, 0) }
    }

    /// A passive checkpoint on `writer`'s connection; a failure (another checkpoint runs) is only logged.
    private func checkpoint(on writer: some DatabaseWriter, reason: String) {
        do {
            try writer.writeWithoutTransaction { db in
                if let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") { record(row) }
            }
        } catch {
            logger.debug("checkpoint \(reason) skipped", metadata: ["error": "\(error)"])
        }
    }

    private func record(_ row: Row) {
        let log: Int = row[1] ?? 0
        let copied: Int = row[2] ?? 0
        progress.withLock { $0 = (max(log, 0), max(copied, 0)) }
    }

    /// Syncs what the last background checkpoint wrote into the database file. Whether that checkpoint copied the
    /// whole log cannot be told from its answer (it counts against the log's length when it began, not the length
    /// the writer has reached since), so the file is synced whenever pages were copied; after a complete checkpoint,
    /// which SQLite synced itself, there is nothing left to write. A failure is only logged: the checkpoint that
    /// completes syncs the file through SQLite's own descriptor, which the kernel tells of a write error as well,
    /// before the log may start over.
    private func syncCopiedPages() {
        guard databaseFile >= 0, progress.withLock({ $0.copied }) > 0 else { return }
        if syncFile(databaseFile) != 0 {
            logger.warning(
                "syncing the pages copied into the database file failed",
                metadata: ["error": "\(String(cString: strerror(errno)))"])
        }
    }

    private func run() {
        // Copying pages is background work: let the scheduler run the request and writer threads first. (On
        // Linux the nice value belongs to the calling thread.)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        var commitsSeen = -1
        condition.lock()
        while !stopping {
            condition.unlock()
            let count = commits.withLock { $0.count }
            let uncopied = uncopiedFrames
            // Copy while the log runs ahead, or once commits have stopped for a whole interval.
            if uncopied >= backgroundFrames || (uncopied > 0 && count == commitsSeen) {
                checkpoint(on: connection, reason: "in the background")
                syncCopiedPages()
            }
            commitsSeen = count
            condition.lock()
            if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: pollInterval)) }
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
