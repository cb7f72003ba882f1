import FailoverCore
import Foundation
import GRDB

/// The state database opened for reading only, as commands that only look at it (`failoverd audit query|verify`
/// on the file) open it: the connection is read-only (`SQLITE_OPEN_READONLY`), no migration runs, and nothing is
/// created.
///
/// Opening fails, naming the path, when the file does not exist, is not a failoverd database, or was migrated to
/// another schema than this build's: older (`failoverd serve` migrates it when it next starts) or newer (a later
/// failoverd wrote it). Reading works while the service runs: SQLite's write-ahead log lets a reader see the last
/// commit without holding up the writer.
public final class ReadOnlyStateStore: Sendable {
    /// The file's path.
    public let path: String
    /// The schema version: the identifier of the newest migration applied, which is this build's newest.
    public let schemaVersion: String
    let queue: DatabaseQueue

    /// Opens the database at `path` read-only and checks that its schema is the one this build knows.
    ///
    /// - Parameter busyTimeout: how long a read waits while SQLite recovers the write-ahead log of a writer that
    ///   stopped without closing the database.
    /// - Throws: ``StoreError`` (`cannotOpen`) naming the path and what is wrong.
    public init(path: String, busyTimeout: Duration = .seconds(5)) throws(StoreError) {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotOpen(path, reason: "no such file (a read never creates the database)")
        }
        guard !isDirectory.boolValue else { throw .cannotOpen(path, reason: "it is a directory") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "failoverd-readonly"
        configuration.busyMode = .timeout(
            Double(busyTimeout.components.seconds) + Double(busyTimeout.components.attoseconds) / 1e18)
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path, reason: "it cannot be read as a SQLite database: \(error)")
        }
        let applied: [String]
        do {
            applied = try queue.read { db in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
        } catch {
            try? queue.close()
            throw .cannotOpen(path, reason: "it cannot be read as a SQLite database: \(error)")
        }
        let known = StateStore.migrator.migrations
        if let problem = Self.schemaProblem(applied: applied, known: known) {
            try? queue.close()
            throw .cannotOpen(path, reason: problem)
        }
        schemaVersion = known.last ?? ""
        self.queue = queue
    }

    /// Why a database whose applied migrations are `applied` cannot be read by a build that knows `known` (in
    /// order), or `nil` when they are the same.
    static func schemaProblem(applied: [String], known: [String]) -> String? {
        guard !applied.isEmpty else { return "not a failoverd state database (it records no schema version)" }
        let newest = known.last ?? "none"
        let unknown = applied.filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            return "its schema is newer than this failoverd knows (it has \(unknown.joined(separator: ", ")); "
                + "this build's newest is \(newest)): read it with the failoverd that wrote it"
        }
        let appliedSet = Set(applied)
        guard known.contains(where: { !appliedSet.contains($0) }) else { return nil }
        let current = known.last { appliedSet.contains($0) } ?? "none"
        return "its schema is older than this failoverd's (it is at \(current); this build's is \(newest)); a read "
            + "never migrates: failoverd serve migrates it when it starts on it"
    }

    /// One page of the events `query` selects, newest first; pass ``AuditPage/next`` as the next query's cursor.
    public func auditPage(_ query: AuditQuery) async throws(StoreError) -> AuditPage {
        try await queue.auditEventPage(query)
    }

    /// Walks the audit chain in id order and reports "intact, N events" or the first broken link; an `anchor`
    /// and signed heads (with `publicKeys`) are checked as ``StateStore/verifyAuditLog(batchSize:anchor:publicKeys:)``
    /// checks them.
    public func verifyAuditLog(
        batchSize: Int = 20_000, anchor: AuditAnchor? = nil, publicKeys: [AuditVerifyingKey] = []
    ) async throws(StoreError) -> AuditVerification {
        try await queue.auditChainVerification(batchSize: batchSize, anchor: anchor, publicKeys: publicKeys)
    }

    /// Closes the connection. Call once, when done reading.
    public func close() {
        try? queue.close()
    }
}
