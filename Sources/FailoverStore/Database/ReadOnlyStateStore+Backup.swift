import FailoverCore
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// What `failoverd backup` wrote: the copy and its audit chain, walked on the copy.
public struct DatabaseBackupReport: Sendable {
    /// The copy's path.
    public let path: String
    /// The copy's size in bytes.
    public let sizeBytes: Int64
    /// The audit chain of the copy, walked by the same code as `failoverd audit verify`.
    public let verification: AuditVerification
}

extension ReadOnlyStateStore {
    /// Writes a consistent copy of the database to `destination` while a service may be writing it, then walks the
    /// copy's audit chain.
    ///
    /// The copy is made with `VACUUM INTO` rather than SQLite's backup API: it is one statement in one read
    /// transaction on this read-only connection, so it sees one commit (the write-ahead log's content included)
    /// and never waits for, nor holds up, the service's writer; the copy is compacted and needs no `-wal` file
    /// beside it. The backup API copies pages through a second, writable connection, and when run in steps it
    /// starts over after every commit of the writer.
    ///
    /// The copy is written to a temporary file beside `destination` (created with mode 0600 and never wider),
    /// synced, and put in place in one step: `destination` is either absent, as before, or complete. Without
    /// `replacing`, an existing `destination` is never overwritten (also when it appears meanwhile).
    ///
    /// - Throws: ``StoreError`` (`backupFailed`) naming `destination` and why; no file is left behind.
    public func backup(to destination: String, replacing: Bool) async throws(StoreError) -> DatabaseBackupReport {
        let directory = Self.directory(of: destination)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw .backupFailed(destination, reason: "its directory \(directory) does not exist")
        }
        guard isDirectory.boolValue else {
            throw .backupFailed(destination, reason: "\(directory) is not a directory")
        }
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw .backupFailed(destination, reason: "it is a directory") }
            if !replacing { throw .backupFailed(destination, reason: "it exists (it is replaced only when asked to)") }
        }
        let name = (destination as NSString).lastPathComponent
        let temporary = directory + "/." + name + ".tmp-" + UUID().uuidString.prefix(8)
        // An empty file of our own, so that the copy is never readable by others, also while it is written.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .backupFailed(destination, reason: "cannot create a file in \(directory): \(Self.errorText())")
        }
        fchmod(descriptor, 0o600)
        Glibc.close(descriptor)
        do throws(StoreError) {
            try await copy(into: temporary, destination: destination)
            try Self.sync(temporary, destination: destination)
            try Self.place(temporary, at: destination, replacing: replacing)
        } catch {
            unlink(temporary)
            throw error
        }
        // The rename is durable once the directory's entry is.
        try Self.sync(directory, destination: destination, flags: O_RDONLY | O_DIRECTORY)
        var status = stat()
        let size = stat(destination, &status) == 0 ? Int64(status.st_size) : 0
        let copy = try ReadOnlyStateStore(path: destination)
        defer { copy.close() }
        return DatabaseBackupReport(path: destination, sizeBytes: size, verification: try await copy.verifyAuditLog())
    }

    private func copy(into temporary: String, destination: String) async throws(StoreError) {
        do {
            // No transaction around it: VACUUM refuses to run inside one, and is one read transaction itself.
            try await queue.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [temporary]) }
        } catch {
            throw .backupFailed(destination, reason: "VACUUM INTO failed: \(error)")
        }
    }

    private static func sync(_ path: String, destination: String, flags: Int32 = O_RDONLY) throws(StoreError) {
        let descriptor = open(path, flags | O_CLOEXEC)
        guard descriptor >= 0 else { throw .backupFailed(destination, reason: "cannot open \(path): \(errorText())") }
        defer { Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw .backupFailed(destination, reason: "fsync of \(path) failed: \(errorText())")
        }
    }

    /// Moves the finished copy to `destination`: `rename` replaces in one step; `link` never replaces.
    private static func place(_ temporary: String, at destination: String, replacing: Bool) throws(StoreError) {
        if replacing {
            guard rename(temporary, destination) == 0 else {
                throw .backupFailed(destination, reason: "cannot rename the copy into place: \(errorText())")
            }
            return
        }
        guard link(temporary, destination) == 0 else {
            let reason = errno == EEXIST ? "it exists (it is replaced only when asked to)" : errorText()
            throw .backupFailed(destination, reason: reason)
        }
        unlink(temporary)
    }

    private static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
