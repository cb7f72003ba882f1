import FailoverTestSupport
import Foundation
import GRDB
import Logging
import Synchronization
import Testing

@testable import FailoverStore

#if canImport(Glibc)
    import Glibc
#endif

@Suite("WALCheckpointer: the background sync of copied pages fails")
struct WALCheckpointerSyncTests {
    /// A WAL database whose writer reports its commits to a checkpointer syncing with `sync`.
    private struct Database {
        let directory: TemporaryDirectory
        let pool: DatabasePool
        let checkpointer: WALCheckpointer

        init(logger: Logger, sync: @escaping @Sendable (Int32) -> Int32) throws {
            directory = try TemporaryDirectory(prefix: "failoverd-checkpointer")
            let path = directory.file("failoverd.db")
            var configuration = Configuration()
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.write { db in try db.execute(sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)") }
            checkpointer = try WALCheckpointer(
                path: path, pollInterval: .milliseconds(20), logger: logger, syncingFileWith: sync)
            pool.writeWithoutTransaction { db in checkpointer.observeCommits(of: db) }
        }

        func insert(_ body: String) throws {
            try pool.write { db in try db.execute(sql: "INSERT INTO notes (body) VALUES (?)", arguments: [body]) }
        }

        /// Closes the writer first: the checkpointer must outlive the connection it observes.
        func close() {
            try? pool.close()
            checkpointer.stop()
            directory.remove()
        }
    }

    @Test("a failed fdatasync is logged with its cause; the copy stands and the thread goes on copying")
    func syncFailureIsLogged() async throws {
        let (logger, logs) = InMemoryLogHandler.logger(label: "checkpointer-test")
        let descriptors = Mutex<[Int32]>([])
        let database = try Database(logger: logger) { descriptor in
            descriptors.withLock { $0.append(descriptor) }
            errno = EIO
            return -1
        }
        defer { database.close() }
        let warning = "syncing the pages copied into the database file failed"
        func failures() -> [InMemoryLogHandler.Entry] {
            logs.all.filter { $0.level == .warning && $0.message == warning }
        }

        // Commits stop, so the thread copies what is left once an interval passes without one.
        try database.insert("first")
        try await waitUntil { !failures().isEmpty }
        let first = try #require(failures().first)
        #expect(first.metadata["error"] == String(cString: strerror(EIO)))
        #expect(descriptors.withLock { $0 }.allSatisfy { $0 >= 0 }, "the sync gets the checkpointer's own descriptor")

        // The copy itself went through: the log has nothing left to copy, and the data reads back.
        let checkpoint = try await database.pool.writeWithoutTransaction { db in
            try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
        }
        let logFrames: Int = try #require(checkpoint)[1]
        let copiedFrames: Int = try #require(checkpoint)[2]
        #expect(logFrames > 0 && copiedFrames == logFrames)

        // A failure does not stop the thread: the next commit is copied, and its sync tried (and failed) again.
        let attempts = descriptors.withLock { $0.count }
        try database.insert("second")
        try await waitUntil { descriptors.withLock { $0.count } > attempts }
        try await waitUntil { failures().count >= 2 }
        let bodies = try await database.pool.read { db in try String.fetchAll(db, sql: "SELECT body FROM notes") }
        #expect(bodies == ["first", "second"])
        let integrity = try await database.pool.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
        #expect(logs.all.filter { $0.level >= .error }.isEmpty, "a failed background sync is a warning, not an error")
    }

    @Test("with a working sync nothing is logged and the copied pages are synced")
    func syncSucceeds() async throws {
        let (logger, logs) = InMemoryLogHandler.logger(label: "checkpointer-test")
        let syncs = Mutex(0)
        let database = try Database(logger: logger) { descriptor in
            syncs.withLock { $0 += 1 }
            return fdatasync(descriptor)
        }
        defer { database.close() }
        try database.insert("first")
        try await waitUntil { syncs.withLock { $0 } > 0 }
        #expect(logs.all.filter { $0.level >= .warning }.isEmpty)
    }
}
