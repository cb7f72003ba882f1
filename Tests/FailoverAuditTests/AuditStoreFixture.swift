import FailoverCore
import FailoverStore
import FailoverTestSupport
import Foundation
import GRDB

/// A state store in a temporary directory, with helpers to append events in bulk and to tamper with rows from
/// a second connection (as an attacker or another process would). Unchecked `Sendable`: only ``restart()``
/// changes it, and no test restarts while another task uses the fixture.
final class AuditStoreFixture: @unchecked Sendable {
    let directory: TemporaryDirectory
    private(set) var store: StateStore

    static let day: Int64 = 86_400_000
    static let base: Int64 = 1_795_279_038_000

    init() throws {
        directory = try TemporaryDirectory(prefix: "failoverd-audit")
        store = try Self.open(directory)
    }

    private static func open(_ directory: TemporaryDirectory) throws -> StateStore {
        let (logger, _) = InMemoryLogHandler.logger()
        return try StateStore(path: directory.file("state/failoverd.db"), logger: logger)
    }

    /// Closes the store and opens a new one on the same file (a restart).
    func restart() throws {
        store.close()
        store = try Self.open(directory)
    }

    /// Closes the store, lets `change` do what it likes to the closed file (restore an older copy), and opens it
    /// again.
    func restart(changingFile change: (String) throws -> Void) throws {
        store.close()
        try change(store.path)
        store = try Self.open(directory)
    }

    func close() {
        store.close()
        directory.remove()
    }

    /// A second, independent connection to the same file.
    func connection() throws -> DatabaseQueue {
        try ExternalConnection.open(store.path)
    }

    /// Appends drafts in one transaction on a connection of its own, with one writer (as the ingest path does).
    @discardableResult
    func append(_ drafts: [AuditEventDraft]) throws -> [AuditEvent] {
        try connection().write { db in
            let writer = AuditWriter()
            return try drafts.map { try writer.append($0, in: db) }
        }
    }

    /// Writes on a second connection (synchronously, also from async tests).
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        try connection().write(updates)
    }

    /// Reads on a second connection (synchronously, also from async tests).
    func read<T>(_ value: (Database) throws -> T) throws -> T {
        try connection().read(value)
    }

    /// Runs SQL on a second connection.
    func tamper(_ sql: String, _ arguments: StatementArguments = []) throws {
        try connection().write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// Every event, oldest first.
    func all() throws -> [AuditEvent] {
        var events: [AuditEvent] = []
        try store.exportAuditEvents(AuditQuery()) { events.append($0) }
        return events.reversed()
    }

    static func draft(
        _ type: AuditEventType = .webhookReceived, at offset: Int64 = 0, outcome: AuditOutcome = .success,
        runbook: String? = nil, fingerprint: String? = nil, alertname: String? = nil, execution: Int64? = nil,
        actor: String = "webhook", detail: AuditDetail = .empty
    ) -> AuditEventDraft {
        AuditEventDraft(
            type: type, actor: actor, recordedAtMilliseconds: base + offset, outcome: outcome, execution: execution,
            runbook: runbook, fingerprint: fingerprint, alertname: alertname, detail: detail)
    }
}
