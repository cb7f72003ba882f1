import Foundation
import GRDB
import Logging

/// failoverd's durable state: one SQLite database in WAL mode with `synchronous=FULL`.
///
/// One connection writes (owned by ``IngestWriter``), several read (operator queries); readers never block
/// the writer. Opening runs the versioned migrations.
public final class StateStore: Sendable {
    /// The file's path.
    public let path: String
    let pool: DatabasePool
    let logger: Logger
    let checkpointer: WALCheckpointer
    /// How the connections wait for locks; the writer's inline commits give up at once (see ``BusyWaitPolicy``).
    let busyWait: BusyWaitPolicy

    /// The writer connection's page cache, in KiB: SQLite's default of 2 MiB. Ingest, the engine's transactions and
    /// retention keep the tables' upper levels and newest pages hot in it.
    static let writerCacheKiB = 2048
    /// Each reader connection's page cache, in KiB (at most four readers). The operator API, the status page and
    /// `/metrics` read a few recent rows; at SQLite's default of 2 MiB the four caches took many minutes of a soak to
    /// fill, which looked like a leak in resident memory (see the README's soak).
    static let readerCacheKiB = 512

    /// Opens (creating if needed) the database at `path`, its directory included, and migrates it.
    ///
    /// - Parameter busyTimeout: how long a write waits for a lock another connection holds.
    public init(path: String, busyTimeout: Duration = .seconds(5), logger: Logger) throws(StoreError) {
        self.path = path
        self.logger = logger
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpen(path, reason: "cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        var configuration = Configuration()
        let busyWait = BusyWaitPolicy(timeout: busyTimeout)
        self.busyWait = busyWait
        configuration.busyMode = .callback { tries in busyWait.shouldRetry(afterTries: tries) }
        configuration.maximumReaderCount = 4
        configuration.label = "failoverd"
        configuration.prepareDatabase { db in
            // Every commit reaches the disk before it returns: an acknowledged webhook survives power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Checkpoints never run inside a webhook's commit: WALCheckpointer decides when they run.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            // The readers' page cache (the writer's is set below). See `readerCacheKiB`.
            try db.execute(sql: "PRAGMA cache_size = -\(Self.readerCacheKiB)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB's WAL set-up runs after `prepareDatabase` and lowers the writer to `synchronous = NORMAL` (no
            // fsync at commit): set FULL again on the writer, where it counts, and check it took.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA cache_size = -\(Self.writerCacheKiB)")
                try db.execute(sql: "PRAGMA synchronous = FULL")
                guard try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else {
                    throw StoreError.cannotOpen(path, reason: "SQLite refused synchronous = FULL on the writer")
                }
            }
            try Self.migrator.migrate(pool)
            checkpointer = try WALCheckpointer(path: path, pollInterval: .milliseconds(50), logger: logger)
            pool.writeWithoutTransaction { db in checkpointer.observeCommits(of: db) }
        } catch {
            throw .cannotOpen(path, reason: String(describing: error))
        }
    }

    /// The writer connection's `PRAGMA synchronous` level (2 is FULL: every commit reaches the disk before it returns).
    public func writerSynchronousLevel() throws(StoreError) -> Int {
        do {
            return try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// The page cache sizes of the writer connection and of a reader connection, as `PRAGMA cache_size` says them
    /// (negative: KiB).
    public func pageCacheSizes() throws(StoreError) -> (writer: Int, reader: Int) {
        do {
            let writer = try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0 }
            let reader = try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0 }
            return (writer, reader)
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// The background checkpoint connection's `PRAGMA synchronous` level (2 is FULL: the database file is synced
    /// before the write-ahead log starts over).
    public func checkpointerSynchronousLevel() throws(StoreError) -> Int {
        do {
            return try checkpointer.synchronousLevel()
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// The schema version applied last (the newest migration's identifier).
    public func schemaVersion() throws(StoreError) -> String? {
        do {
            return try pool.read { db in try Self.migrator.appliedMigrations(db).last }
        } catch {
            throw .queryFailed(String(describing: error))
        }
    }

    /// Checkpoints the WAL into the main file and closes every connection. Call once, after the writer stopped.
    public func close() {
        checkpointer.stop()
        do {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            try pool.close()
        } catch {
            logger.warning("closing the database failed", metadata: ["error": "\(error)"])
        }
    }
}
