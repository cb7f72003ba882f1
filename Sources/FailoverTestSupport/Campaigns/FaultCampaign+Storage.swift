import FailoverCore
import Foundation
import GRDB
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension FaultCampaign {
    /// How one storage fault is brought about and taken away on a running failoverd's state directory.
    struct StorageFault: Sendable {
        var name: String
        /// Brings the fault about; returns a reason to skip the case instead, or `nil`.
        var inject: @Sendable (_ dataDirectory: String, _ databasePath: String) async throws -> String?
        /// Takes it away.
        var remove: @Sendable (_ dataDirectory: String) async throws -> Void
        /// Whether the data directory must be a small filesystem of its own (tmpfs).
        var needsOwnFilesystem = false
        /// Webhooks posted at most to see one refused (a full disk takes a few to use up the last pages).
        var postsToTry = 200
        /// Whether the mechanism may leave a running service unaffected (permissions do not reach descriptors
        /// already open): then "no effect" is reported as what happened, not as a failure.
        var mayHaveNoEffect = false
    }

    /// The storage faults, each on a failoverd of its own.
    func runStorageFaults() async throws -> [FaultOutcome] {
        let lock = Mutex<SQLiteWriteLock?>(nil)
        let faults = [
            StorageFault(
                name: "database locked by another process (BEGIN IMMEDIATE)",
                inject: { _, database in
                    let held = try SQLiteWriteLock(path: database)
                    lock.withLock { $0 = held }
                    return nil
                },
                remove: { _ in lock.withLock { $0 }?.release() }),
            StorageFault(
                name: "read-only file and directory", inject: Self.makeReadOnly, remove: Self.makeWritable,
                mayHaveNoEffect: getuid() != 0),
            StorageFault(
                name: "disk full (16 MiB tmpfs)",
                inject: { directory, _ in
                    _ = try await ShellCommand.run("dd if=/dev/zero of='\(directory)/filler' bs=64k 2>/dev/null")
                    return nil
                },
                remove: { directory in try FileManager.default.removeItem(atPath: directory + "/filler") },
                needsOwnFilesystem: true, postsToTry: 3000),
        ]
        var outcomes: [FaultOutcome] = []
        for fault in faults {
            let outcome = try await run(fault)
            progress(outcome.description)
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// As root, permissions stop nothing: the database file, its log and the directory are made immutable instead
    /// (`chattr +i`), which refuses writes even through descriptors already open (`EPERM`), as a filesystem
    /// remounted read-only after an error refuses them (`EROFS`); a read-only remount itself is refused while SQLite
    /// holds the file open for writing, and an ext4 emergency read-only mount does not come back writable while
    /// mounted. Otherwise the file, its log and the directory lose their write bits.
    @Sendable static func makeReadOnly(_ directory: String, _ database: String) async throws -> String? {
        if getuid() == 0 {
            let immutable = try await ShellCommand.run(
                "chattr +i '\(database)' '\(database)-wal' '\(directory)' 2>&1")
            guard immutable.status == 0 else {
                _ = try? await ShellCommand.run("chattr -i '\(database)' '\(database)-wal' '\(directory)' 2>&1")
                return "skipped as root: chmod does not stop root's writes, and chattr +i was refused "
                    + "(\(immutable.output.trimmingCharacters(in: .whitespacesAndNewlines)))"
            }
            return nil
        }
        for file in [database, database + "-wal", database + "-shm"] { chmod(file, 0o400) }
        chmod(directory, 0o500)
        return nil
    }

    /// Undoes ``makeReadOnly(_:_:)``.
    @Sendable static func makeWritable(_ directory: String) async throws {
        if getuid() == 0 {
            let undone = try await ShellCommand.run("chattr -R -i '\(directory)' 2>&1")
            guard undone.status == 0 else {
                throw FailoverdAPIError("chattr -i failed: \(undone.output)")
            }
            return
        }
        chmod(directory, 0o700)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            chmod(directory + "/" + name, 0o600)
        }
    }

    private func run(_ fault: StorageFault) async throws -> FaultOutcome {
        let directory = try TemporaryDirectory(prefix: "failoverd-chaos-storage")
        defer { directory.remove() }
        let data = directory.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        if fault.needsOwnFilesystem {
            let mount = try await ShellCommand.run("mount -t tmpfs -o size=16m,mode=0700 tmpfs '\(data)' 2>&1")
            guard mount.status == 0 else {
                return FaultOutcome(
                    fault: fault.name,
                    outcome:
                        "skipped: cannot mount a tmpfs (\(mount.output.trimmingCharacters(in: .whitespacesAndNewlines)))",
                    attempts: "-", time: "-", checks: "-", passed: true)
            }
        }
        defer { if fault.needsOwnFilesystem { _ = try? ShellCommand.runBlocking("umount '\(data)' 2>&1") } }
        try directory.write("webhook-token", CrashCampaign.webhookToken + "\n")
        let config = try directory.write(
            "failoverd.yml",
            """
            server:
              auth:
                webhook: {bearer_token_file: webhook-token}
            storage:
              busy_timeout: 200ms
            """)
        let failoverd = CampaignFailoverd(
            directory: directory, configPath: config, databasePath: data + "/failoverd.db")
        do {
            let outcome = try await exercise(fault, failoverd: failoverd, data: data)
            await failoverd.stop()
            return outcome
        } catch {
            try? await fault.remove(data)
            await failoverd.stop()
            throw FailoverdAPIError("\(fault.name): \(error)\n--- failoverd log ---\n\(failoverd.logTails)")
        }
    }

    private func exercise(
        _ fault: StorageFault, failoverd: CampaignFailoverd, data: String
    ) async throws -> FaultOutcome {
        try await failoverd.start()
        let ledger = WebhookLedger()
        let padding = String(repeating: "x", count: 8000)
        var serial = 0
        let post = { () async -> Int in
            serial += 1
            let body = AlertmanagerWebhookBody.firing(
                labels: ["alertname": "StorageFault", "instance": "i-\(serial)"], annotations: ["padding": padding],
                startsAt: .wallClock())
            return await ledger.post((try? body.bytes()) ?? [], port: failoverd.port ?? 0, notice: "firing")
        }
        guard await post() == 200 else { throw FailoverdAPIError("the first webhook was not acknowledged") }
        if let skip = try await fault.inject(data, failoverd.databasePath) {
            return FaultOutcome(fault: fault.name, outcome: skip, attempts: "-", time: "-", checks: "-", passed: true)
        }
        // During the fault: webhooks until one is refused (a full disk takes a few to fill the last pages).
        let port = failoverd.port ?? 0
        var webhookRefused = false
        for _ in 0..<fault.postsToTry where !webhookRefused {
            webhookRefused = await post() == 503
        }
        // Then /-/ready (a mechanism without effect is not waited for).
        var readyRefused = false
        if webhookRefused {
            readyRefused =
                (try? await PollingDeadline.wait(for: "/-/ready 503", within: .seconds(15), every: .milliseconds(50)) {
                    (try? await TestHTTP.send(port: port, "GET", "/-/ready"))?.status == 503 ? true : nil
                }) ?? false
        }
        let postedDuring = ledger.figures.sent - 1
        let removedAt = ContinuousClock.now
        try await fault.remove(data)
        var recovered = true
        do {
            try await PollingDeadline.wait(for: "webhooks 200 and /-/ready 200 again", within: .seconds(30)) {
                () async -> Bool? in
                let ready = (try? await TestHTTP.send(port: port, "GET", "/-/ready"))?.status == 200
                guard ready else { return nil }
                return await post() == 200 ? true : nil
            }
        } catch {
            recovered = false
        }
        let recovery = ContinuousClock.now - removedAt
        await failoverd.stop()
        let stored = try await ExternalConnection.open(failoverd.databasePath).read { db in
            Set(try Int64.fetchAll(db, sql: "SELECT id FROM deliveries"))
        }
        let acknowledged = ledger.acknowledgedDeliveries
        let lost = acknowledged.filter { !stored.contains($0) }.count
        return FaultOutcome(
            fault: fault.name,
            outcome: !webhookRefused && fault.mayHaveNoEffect
                ? "no effect: the open database stays writable through its descriptors (webhooks 200)"
                : "webhook \(webhookRefused ? "503" : "NOT refused"), /-/ready \(readyRefused ? "503" : "NOT 503")",
            attempts: "\(postedDuring) webhooks during the fault",
            time: recovered
                ? String(format: "recovered in %.2f s", Double(recovery / .milliseconds(1)) / 1000) : "NOT recovered",
            checks: "acknowledged \(acknowledged.count), lost \(lost)",
            passed: ((webhookRefused && readyRefused) || (!webhookRefused && fault.mayHaveNoEffect)) && recovered
                && lost == 0)
    }
}
