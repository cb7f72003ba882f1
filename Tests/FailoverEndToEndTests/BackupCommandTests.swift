import FailoverCore
import FailoverTestSupport
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Delivery ids acknowledged so far by a sender running beside the test.
final class AcknowledgedDeliveries: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int] = []

    func append(_ id: Int) { lock.withLock { ids.append(id) } }
    var snapshot: [Int] { lock.withLock { ids } }
}

/// `failoverd backup --to FILE`: a consistent copy while the service runs, verified; and what it refuses.
@Suite("failoverd backup", .serialized)
struct BackupCommandTests {
    /// The permission bits of `path`.
    static func mode(_ path: String) -> Int {
        var status = stat()
        guard stat(path, &status) == 0 else { return -1 }
        return Int(status.st_mode & 0o7777)
    }

    /// The files in `directory`, sorted.
    static func listing(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// A firing webhook of an alert of its own (`instance=n`).
    static func webhook(_ number: Int) throws -> [UInt8] {
        try AlertmanagerWebhookBody.firing(
            labels: ["alertname": "BackupLoad", "instance": "host-\(number)"], startsAt: .wallClock()
        ).bytes()
    }

    @Test("a copy taken while 200 webhooks arrive verifies and holds every delivery acknowledged before it began")
    func onlineCopy() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let serve = try await ServeProcess(directory: directory)
        defer { serve.process.signal(SIGKILL) }
        let port = serve.port
        let acknowledged = AcknowledgedDeliveries()
        let sender = Task {
            var failures: [String] = []
            for number in 0..<200 {
                do {
                    let response = try await TestHTTP.postJSON(port: port, "/webhook", try Self.webhook(number))
                    guard response.status == 200, let id = try response.json()["delivery"] as? Int else {
                        failures.append("\(response.status) \(response.text)")
                        continue
                    }
                    acknowledged.append(id)
                } catch {
                    failures.append("\(error)")
                }
            }
            return failures
        }
        defer { sender.cancel() }
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while acknowledged.snapshot.count < 50, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let before = acknowledged.snapshot
        #expect(before.count >= 50, "the sender got going")
        let copy = directory.file("backups/failoverd-copy.db")
        try FileManager.default.createDirectory(atPath: directory.file("backups"), withIntermediateDirectories: false)
        let backup = try await runFailoverd(
            ["backup", "--storage.path", directory.file("data/failoverd.db"), "--to", copy])
        print("backup: \(before.count) webhooks acknowledged as it began, \(acknowledged.snapshot.count) as it ended")
        let failures = await sender.value
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(acknowledged.snapshot.count == 200)
        #expect(backup.status == 0, "\(backup.output)")
        #expect(backup.output.hasPrefix("backup of \(directory.file("data/failoverd.db")) written to \(copy)\n"))
        #expect(backup.output.contains("  size: "), "\(backup.output)")
        #expect(backup.output.contains("  chain head: event "), "\(backup.output)")
        #expect(backup.output.hasSuffix("  intact, \(try Self.eventCount(backup.output)) events\n"), "\(backup.output)")
        #expect(Self.mode(copy) == 0o600)
        #expect(Self.listing(directory.file("backups")) == ["failoverd-copy.db"], "no temporary file left")

        let verify = try await runFailoverd(["audit", "verify", "--storage.path", copy])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.hasPrefix("intact, "))
        let stored = try await DatabaseQueue(path: copy, configuration: Self.readOnly).read { db in
            try Int.fetchSet(db, sql: "SELECT id FROM deliveries")
        }
        #expect(Set(before).isSubset(of: stored), "missing: \(Set(before).subtracting(stored).sorted().prefix(5))")
        #expect(Self.listing(directory.file("backups")) == ["failoverd-copy.db"], "a self-contained file")

        await serve.process.stop()
        #expect(await serve.process.waitForExit() == 0, "the service ran on undisturbed")
    }

    static var readOnly: Configuration {
        var configuration = Configuration()
        configuration.readonly = true
        return configuration
    }

    /// N in `  audit events: N`.
    static func eventCount(_ output: String) throws -> Int {
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("  audit events: ") })
        return try #require(Int(line.dropFirst("  audit events: ".count)))
    }

    /// A database written by a service that ran once and stopped.
    static func database(in directory: TemporaryDirectory) async throws -> String {
        let serve = try await ServeProcess(directory: directory)
        defer { serve.process.signal(SIGKILL) }
        #expect(try await TestHTTP.postJSON(port: serve.port, "/webhook", try Self.webhook(1)).status == 200)
        await serve.process.stop()
        return directory.file("data/failoverd.db")
    }

    @Test("the documented restore: the copy in the database's place, the service starts on it, the chain is intact")
    func restore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = directory.file("data/failoverd.db")
        let serve = try await ServeProcess(directory: directory)
        defer { serve.process.signal(SIGKILL) }
        for number in 0..<5 {
            #expect(try await TestHTTP.postJSON(port: serve.port, "/webhook", try Self.webhook(number)).status == 200)
        }
        let copy = directory.file("copy.db")
        let backup = try await runFailoverd(["backup", "--storage.path", database, "--to", copy])
        #expect(backup.status == 0, "\(backup.output)")
        await serve.process.stop()

        try FileManager.default.createDirectory(atPath: directory.file("aside"), withIntermediateDirectories: false)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
            let aside = directory.file("aside/failoverd.db" + suffix)
            try FileManager.default.moveItem(atPath: database + suffix, toPath: aside)
        }
        try FileManager.default.copyItem(atPath: copy, toPath: database)
        #expect(Self.mode(database) == 0o600)
        let restarted = try await ServeProcess(directory: directory)
        defer { restarted.process.signal(SIGKILL) }
        #expect(try await TestHTTP.postJSON(port: restarted.port, "/webhook", try Self.webhook(5)).status == 200)
        await restarted.process.stop()
        #expect(try countRows("deliveries", in: database) == 6)
        let verify = try await runFailoverd(["audit", "verify", "--storage.path", database])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.hasPrefix("intact, "), "\(verify.output)")
    }

    @Test("an existing FILE is kept unless --force; --force replaces it; --config.file finds the database")
    func overwrite() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try await Self.database(in: directory)
        let copy = try directory.write("copy.db", "keep me\n")
        let refused = try await runFailoverd(["backup", "--storage.path", database, "--to", copy])
        #expect(refused.status == 1)
        #expect(refused.output.contains("\(copy) exists: failoverd backup --force replaces it"), "\(refused.output)")
        #expect(try String(contentsOfFile: copy, encoding: .utf8) == "keep me\n")

        let config = try directory.write("failoverd.yml", "storage: {path: data/failoverd.db}\n")
        let forced = try await runFailoverd(["backup", "--config.file", config, "--to", copy, "--force"])
        #expect(forced.status == 0, "\(forced.output)")
        #expect(forced.output.contains("backup of \(database) written to \(copy)"), "\(forced.output)")
        #expect(Self.mode(copy) == 0o600)
        let verify = try await runFailoverd(["audit", "verify", "--storage.path", copy])
        #expect(verify.status == 0, "\(verify.output)")

        let intoDirectory = try await runFailoverd(
            ["backup", "--storage.path", database, "--to", directory.file("data"), "--force"])
        #expect(intoDirectory.status == 1)
        #expect(
            intoDirectory.output.contains("cannot write the backup \(directory.file("data")): it is a directory"),
            "\(intoDirectory.output)")
    }

    @Test("a missing database is a clear error and no file is created")
    func missingDatabase() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.file("nowhere/failoverd.db")
        let result = try await runFailoverd(["backup", "--storage.path", missing, "--to", directory.file("copy.db")])
        #expect(result.status == 1)
        #expect(
            result.output.contains(
                "cannot open the state database \(missing): no such file (a read never creates the database)"),
            "\(result.output)")
        #expect(Self.listing(directory.path).isEmpty, "\(Self.listing(directory.path))")
    }

    @Test("a --to whose directory is missing, not a directory or not writable is a clear error; nothing is written")
    func badDestination() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try await Self.database(in: directory)
        let before = Self.listing(directory.path)
        let missing = directory.file("no-such-dir/copy.db")
        let result = try await runFailoverd(["backup", "--storage.path", database, "--to", missing])
        #expect(result.status == 1)
        #expect(
            result.output.contains(
                "cannot write the backup \(missing): its directory \(directory.file("no-such-dir")) does not exist"),
            "\(result.output)")
        let file = try directory.write("plain-file", "x")
        let underFile = try await runFailoverd(["backup", "--storage.path", database, "--to", file + "/copy.db"])
        #expect(underFile.status == 1)
        #expect(underFile.output.contains("\(file) is not a directory"), "\(underFile.output)")
        // A directory where no file can be created (root may write anywhere else).
        let unwritable = try await runFailoverd(["backup", "--storage.path", database, "--to", "/proc/failoverd.db"])
        #expect(unwritable.status == 1)
        #expect(
            unwritable.output.contains("cannot write the backup /proc/failoverd.db: cannot create a file in /proc: "),
            "\(unwritable.output)")
        #expect(Self.listing(directory.path) == (before + ["plain-file"]).sorted())
    }

    @Test(
        "a copy that cannot be written in full is a clear error, and neither it nor its temporary file is left",
        .disabled(
            if: ProcessInfo.processInfo.environment["FAILOVERD_SANITIZER"] == "thread",
            "ThreadSanitizer's runtime dies of SIGBUS under a 64 KiB file-size limit, before failoverd's main runs"))
    func writeFails() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try await Self.database(in: directory)
        try FileManager.default.createDirectory(atPath: directory.file("backups"), withIntermediateDirectories: false)
        let copy = directory.file("backups/copy.db")
        // Files may grow to 64 KiB (128 blocks of 512 bytes in sh), enough for the -shm file but not the copy;
        // with SIGXFSZ ignored the write that crosses the limit fails (EFBIG) as on a full disk.
        let (status, output) = try await ShellCommand.run(
            "trap '' XFSZ; ulimit -f 128; exec '\(PackagePaths.failoverdBinary)' backup --storage.path '\(database)' "
                + "--to '\(copy)'")
        #expect(status == 1, "\(output)")
        #expect(output.contains("cannot write the backup \(copy): VACUUM INTO failed: "), "\(output)")
        #expect(Self.listing(directory.file("backups")).isEmpty, "\(Self.listing(directory.file("backups")))")
    }

    @Test("a copy whose audit chain is broken exits 1 naming the first broken link, and is kept")
    func brokenChain() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try await Self.database(in: directory)
        try await ExternalConnection.open(database).write { db in
            try db.execute(sql: "UPDATE audit_events SET actor = 'mallory' WHERE id = 2")
        }
        let copy = directory.file("copy.db")
        let result = try await runFailoverd(["backup", "--storage.path", database, "--to", copy])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("  broken: "), "\(result.output)")
        #expect(result.output.contains("the copy is kept at \(copy)"), "\(result.output)")
        #expect(FileManager.default.fileExists(atPath: copy))
    }
}
