import ArgumentParser
import FailoverStore
import Foundation

/// `failoverd backup --to FILE`: a consistent copy of the state database, made while the service runs (it is
/// neither stopped nor held up), then checked like `failoverd audit verify`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the state database consistently, also while the service runs, and verify the copy.",
        discussion: """
            The database is opened read-only (never migrated or created) and copied with SQLite's VACUUM INTO in \
            one read transaction: the copy holds every commit made before it started. It is written beside FILE, \
            synced and renamed into place with mode 0600; FILE is replaced only with --force. Then the copy's \
            audit chain is walked: exit 0 when intact, 1 otherwise (the copy is kept). Restore: stop the \
            service, move the database and its -wal and -shm files aside, put the copy in their place (owner \
            failoverd, mode 0600), start the service and run failoverd audit verify.
            """)

    @OptionGroup var file: DatabaseFileOptions

    @Option(name: .customLong("to"), help: "Where the copy goes; its directory must exist.")
    var destination: String

    @Flag(help: "Replace FILE when it exists.")
    var force = false

    func validate() throws {
        if destination.isEmpty { throw ValidationError("--to must not be empty") }
    }

    func run() async throws {
        var isDirectory: ObjCBool = false
        if !force && FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory)
            && !isDirectory.boolValue
        {
            throw CommandFailure("\(destination) exists: failoverd backup --force replaces it")
        }
        let store = try file.openStore()
        defer { store.close() }
        let report: DatabaseBackupReport
        do {
            report = try await store.backup(to: destination, replacing: force)
        } catch {
            throw CommandFailure(error.message)
        }
        let verification = report.verification
        print("backup of \(store.path) written to \(report.path)")
        print("  size: \(report.sizeBytes) bytes")
        print("  audit events: \(verification.eventCount)")
        if let headID = verification.headID, let headHash = verification.headHash {
            print("  chain head: event \(headID), \(headHash)")
        } else {
            print("  chain head: none (no audit events)")
        }
        print("  " + verification.description)
        if !verification.isIntact {
            print("the copy's audit chain is broken, so is the database's: the copy is kept at \(report.path)")
            throw ExitCode(1)
        }
    }
}
