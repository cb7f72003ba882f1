import FailoverStore
import Foundation
import Logging

/// A command's own write to the state database while no service runs (`dns set` recording its `manual.action`).
///
/// One process owns a database's writes: while `failoverd serve` runs on it (holding its
/// ``StateStoreOwnerLock``), a command refuses and says to go through the service instead. Without a service the
/// command takes the lock itself for as long as it runs, so that a service starting meanwhile waits for it. It
/// writes only into a database that exists and is at this build's schema: a new file would split the audit
/// trail in two, and a one-off command does not migrate.
struct DirectDatabaseWrite {
    /// The database, open for writing.
    let store: StateStore
    private let lock: StateStoreOwnerLock

    /// Opens the database at `path` for `command` (`dns set`), or says why not.
    static func open(path: String, command: String) throws -> DirectDatabaseWrite {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(
                "no state database at \(path): \(command) records what it does in the audit trail of the database "
                    + "failoverd serve keeps and never creates one (the trail would split in two); check "
                    + "storage.path (or --storage.path), or start failoverd serve on it once")
        }
        let lock: StateStoreOwnerLock
        do {
            switch try StateStoreOwnerLock.attempt(databasePath: path, owner: "failoverd \(command)") {
            case .acquired(let acquired):
                lock = acquired
            case .heldElsewhere(let owner):
                throw CommandFailure(
                    "\(StateStoreOwnerLock.describe(holder: owner)) owns the state database \(path): while it runs, "
                        + "only it writes there, so \(command) does not; make the change through the service (a "
                        + "runbook: failoverd run / failoverd failback) or stop it first")
            }
        } catch let error as StoreError {
            throw CommandFailure(error.message)
        }
        do throws(StoreError) {
            // Exists and is at this build's schema, checked without writing; only then opened for writing.
            try ReadOnlyStateStore(path: path).close()
            let store = try StateStore(path: path, logger: Logger(label: "failoverd-cli"))
            return DirectDatabaseWrite(store: store, lock: lock)
        } catch {
            lock.release()
            throw CommandFailure(error.message)
        }
    }

    /// Closes the database and lets go of the lock.
    func close() {
        store.close()
        lock.release()
    }
}
