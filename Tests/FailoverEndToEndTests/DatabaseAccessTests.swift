import FailoverTestSupport
import Foundation
import GRDB
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// How commands open the state database file: reads read-only and never migrating or creating it; `dns set`
/// writing only into an existing database, and never while a service owns it.
@Suite("failoverd commands and the database file", .serialized)
struct DatabaseAccessTests {
    /// Starts `failoverd serve` on `directory/data/failoverd.db` until it is ready, then stops it: a database at
    /// this build's schema, closed cleanly.
    static func createDatabase(in directory: TemporaryDirectory) async throws -> String {
        let serve = try await ServeProcess(directory: directory)
        await serve.process.stop()
        return directory.file("data/failoverd.db")
    }

    /// The file's bytes.
    static func contents(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    @Test("audit query and verify refuse a missing file and create nothing")
    func missingFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("nowhere/failoverd.db")
        for command in [["audit", "query"], ["audit", "verify"]] {
            let result = try await runFailoverd(command + ["--storage.path", path])
            #expect(result.status == 1, "\(result.output)")
            #expect(
                result.output.contains(
                    "cannot open the state database \(path): no such file (a read never creates the database)"),
                "\(result.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("nowhere")), "not even its directory")
    }

    @Test("a file that is not a failoverd database is refused and left as it is")
    func notAStateDatabase() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = try directory.write("notes.db", "not a database\n")
        let other = directory.file("other.db")
        try await DatabaseQueue(path: other).write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        let before = try Self.contents(other)
        let unreadable = try await runFailoverd(["audit", "verify", "--storage.path", text])
        #expect(unreadable.status == 1)
        #expect(
            unreadable.output.contains(
                "cannot open the state database \(text): it cannot be read as a SQLite database"),
            "\(unreadable.output)")
        #expect(try String(contentsOfFile: text, encoding: .utf8) == "not a database\n")
        let foreign = try await runFailoverd(["audit", "query", "--storage.path", other])
        #expect(foreign.status == 1)
        #expect(
            foreign.output.contains("\(other): not a failoverd state database (it records no schema version)"),
            "\(foreign.output)")
        #expect(try Self.contents(other) == before)
    }

    @Test("a database at an older schema is refused and stays at it, byte for byte")
    func olderSchema() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("old.db")
        // The first two migrations' bookkeeping and the audit table they leave (a database of an earlier build).
        try await DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1_deliveries_episodes'), ('v2_audit_log');
                    CREATE TABLE audit_events (id INTEGER PRIMARY KEY AUTOINCREMENT, recorded_at_ms INTEGER NOT NULL);
                    """)
        }
        let before = try Self.contents(path)
        for command in [["audit", "query"], ["audit", "verify"]] {
            let result = try await runFailoverd(command + ["--storage.path", path])
            #expect(result.status == 1, "\(result.output)")
            #expect(result.output.contains("cannot open the state database \(path): its schema is older"))
            #expect(result.output.contains("it is at v2_audit_log"), "\(result.output)")
            #expect(result.output.contains("a read never migrates"))
        }
        #expect(try Self.contents(path) == before, "the file is untouched")
        let migrations = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(migrations == ["v1_deliveries_episodes", "v2_audit_log"])
    }

    @Test("a database of a newer failoverd is refused; a current one is read without a byte changing")
    func newerAndCurrentSchema() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try await Self.createDatabase(in: directory)

        let before = try Self.contents(path)
        let query = try await runFailoverd(["audit", "query", "--storage.path", path])
        #expect(query.status == 0, "\(query.output)")
        #expect(query.output.contains("\tservice.started\tfailoverd\tsuccess\t"))
        let verify = try await runFailoverd(["audit", "verify", "--storage.path", path])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.hasPrefix("intact, "))
        #expect(try Self.contents(path) == before, "reading wrote nothing into the database file")

        try await ExternalConnection.open(path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99_from_the_future')")
        }
        let newer = try await runFailoverd(["audit", "query", "--storage.path", path])
        #expect(newer.status == 1)
        #expect(newer.output.contains("its schema is newer than this failoverd knows (it has v99_from_the_future"))
    }

    @Test("audit reads storage.path from --config.file relative to the file's directory; --storage.path wins")
    func storagePathPrecedence() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await Self.createDatabase(in: directory)
        let config = try directory.write("failoverd.yml", "storage:\n  path: data/failoverd.db\n")
        // Run from another directory: the relative path is the configuration file's, not the working directory's.
        let elsewhere = try TemporaryDirectory()
        defer { elsewhere.remove() }
        let fromFile = try await runFailoverd(["audit", "verify", "--config.file", config], directory: elsewhere.path)
        #expect(fromFile.status == 0, "\(fromFile.output)")
        let flagWins = try await runFailoverd(
            ["audit", "verify", "--config.file", config, "--storage.path", "missing.db"], directory: elsewhere.path)
        #expect(flagWins.status == 1)
        #expect(flagWins.output.contains("missing.db: no such file"), "\(flagWins.output)")
    }

    /// A fake DigitalOcean with `app.example.com A 192.0.2.10`, and a configuration naming it with the state
    /// database at `databasePath`.
    static func withProvider(
        databasePath: String, in directory: TemporaryDirectory,
        _ body: (FakeDNSProviderServer, [String]) async throws -> Void
    ) async throws {
        let fake = FakeDNSProviderServer(
            flavor: .digitalOcean, token: "cli-token",
            logger: Logger(label: "fake", factory: { _ in SwiftLogNoOpLogHandler() }))
        try fake.start()
        fake.addZone("example.com")
        fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.10", ttl: 300)
        try directory.write("provider.token", "cli-token\n")
        let config = try directory.write(
            "dns.yml",
            """
            storage:
              path: \(databasePath)
            providers:
              main:
                type: digitalocean
                token_file: provider.token
                base_url: \(fake.baseURL)
                max_attempts: 2
            """)
        let arguments = [
            "dns", "set", "--config.file", config, "--provider", "main", "--zone", "example.com", "--name", "app",
            "--target", "198.51.100.5", "--ttl", "300",
        ]
        do {
            try await body(fake, arguments)
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    @Test("dns set never creates a database: it refuses before touching DNS, naming the path")
    func dnsSetRefusesToCreate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("state/failoverd.db")
        try await Self.withProvider(databasePath: path, in: directory) { fake, arguments in
            let result = try await runFailoverd(arguments, environment: ["USER": "operator"])
            #expect(result.status == 1)
            #expect(result.output.contains("no state database at \(path)"), "\(result.output)")
            #expect(result.output.contains("never creates one"))
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(!FileManager.default.fileExists(atPath: directory.file("state")))
            #expect(fake.writeRequestCount == 0, "DNS untouched")

            let dryRun = try await runFailoverd(arguments + ["--dry-run"])
            #expect(dryRun.status == 0, "a dry run records nothing, so needs no database: \(dryRun.output)")
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("dns set without a service writes the existing database, then lets go of it")
    func dnsSetWithoutService() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try await Self.createDatabase(in: directory)
        try await Self.withProvider(databasePath: path, in: directory) { fake, arguments in
            let result = try await runFailoverd(arguments, environment: ["USER": "operator"])
            #expect(result.status == 0, "\(result.output)")
            #expect(fake.records(zone: "example.com", name: "app").map(\.target) == ["198.51.100.5"])
            let audit = try await runFailoverd(
                ["audit", "query", "--storage.path", path, "--type", "manual.action", "--output", "json"])
            #expect(audit.output.contains(#""actor":"cli:operator""#), "\(audit.output)")
            #expect(try OwnerLockHolder.isFree(path), "the lock is released when the command ends")
        }
    }

    @Test("dns set refuses while another process owns the database, and says who")
    func dnsSetRefusesWhileOwned() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try await Self.createDatabase(in: directory)
        try await Self.withProvider(databasePath: path, in: directory) { fake, arguments in
            let holder = try OwnerLockHolder(databasePath: path, owner: "failoverd serve")
            defer { holder.release() }
            let before = try Self.contents(path)
            let result = try await runFailoverd(arguments)
            #expect(result.status == 1)
            #expect(
                result.output.contains(
                    "failoverd serve (pid \(getpid())) owns the state database \(path): while it runs, only it writes "
                        + "there, so dns set does not"),
                "\(result.output)")
            #expect(fake.writeRequestCount == 0, "DNS untouched")
            #expect(try Self.contents(path) == before)
        }
    }

    @Test("dns set refuses while failoverd serve runs on the database")
    func dnsSetRefusesWhileServing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("data/failoverd.db")
        try await Self.withProvider(databasePath: path, in: directory) { fake, arguments in
            let serve = try await ServeProcess(directory: directory)
            let result: (status: Int32, output: String)
            let free: Bool
            do {
                result = try await runFailoverd(arguments)
                free = try OwnerLockHolder.isFree(path)
            } catch {
                await serve.process.stop()
                throw error
            }
            await serve.process.stop()
            #expect(!free, "serve holds the owner lock")
            #expect(result.status == 1, "\(result.output)")
            #expect(
                result.output.contains("failoverd serve (pid \(serve.process.pid)) owns the state database \(path)"),
                "\(result.output)")
            #expect(fake.writeRequestCount == 0, "DNS untouched")
        }
    }
}

/// Holds a database's owner lock from the test process, the way `failoverd serve` holds it: an exclusive
/// `flock` on `<database>.lock` with `PID OWNER` written into it.
final class OwnerLockHolder: Sendable {
    private let descriptor: Int32

    init(databasePath: String, owner: String) throws {
        let descriptor = open(databasePath + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw EndToEndError("cannot open \(databasePath).lock") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw EndToEndError("\(databasePath).lock is held by another process")
        }
        let line = Array("\(getpid()) \(owner)\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = line.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    func release() {
        close(descriptor)
    }

    /// Whether nobody holds the lock of the database at `databasePath` (taken and let go at once to find out).
    static func isFree(_ databasePath: String) throws -> Bool {
        let descriptor = open(databasePath + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw EndToEndError("cannot open \(databasePath).lock") }
        defer { close(descriptor) }
        return flock(descriptor, LOCK_EX | LOCK_NB) == 0
    }
}
