import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One process's claim to own a state database: an exclusive `flock(2)` on `<database>.lock`, held for as long as
/// the process writes the database (`failoverd serve` for its whole life; a command that records a manual action
/// while no service runs, for the length of the command).
///
/// Why a lock file: the kernel drops the lock when its holder exits, crashes included, so a stale claim cannot
/// outlive its process, and it says nothing about addresses (a service started with another listen address, or
/// an address that another instance answers on, cannot mislead it). `flock` on a file of its own does not mix
/// with SQLite's `fcntl` locks on the database, which a process loses when it closes any descriptor of that file.
/// Like SQLite's write-ahead log, it needs every process on one host (not a network file system).
///
/// The holder writes `PID OWNER` into the file, so that a refusal can name it. The file is never removed:
/// removing it would let two processes lock two different files of the same name.
public final class StateStoreOwnerLock: Sendable {
    /// The outcome of one attempt to take the lock.
    public enum Attempt: Sendable {
        /// The lock is held now; release it when done.
        case acquired(StateStoreOwnerLock)
        /// Another process holds it: its `PID OWNER` as written (`"4242 failoverd serve"`), or `nil` when it has
        /// not written it yet.
        case heldElsewhere(owner: String?)
    }

    /// The database the lock guards.
    public let databasePath: String
    /// The lock file, `<database>.lock`.
    public let lockPath: String
    private let descriptor: Mutex<Int32>

    private init(databasePath: String, lockPath: String, descriptor: Int32) {
        self.databasePath = databasePath
        self.lockPath = lockPath
        self.descriptor = Mutex(descriptor)
    }

    deinit {
        release()
    }

    /// The lock file of the database at `databasePath`.
    public static func lockPath(forDatabase databasePath: String) -> String {
        databasePath + ".lock"
    }

    /// Tries once to take the lock, without waiting; creates the lock file (not its directory) when missing.
    ///
    /// - Parameter owner: who takes it, as refusals will name it (`failoverd serve`, `failoverd dns set`).
    /// - Throws: ``StoreError`` when the lock file cannot be opened or locked for another reason than its holder.
    public static func attempt(databasePath: String, owner: String) throws(StoreError) -> Attempt {
        let lockPath = lockPath(forDatabase: databasePath)
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .cannotOpen(databasePath, reason: "cannot open the lock file \(lockPath): \(Self.lastError())")
        }
        var result: Int32
        repeat { result = flock(descriptor, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
        guard result == 0 else {
            let code = errno
            close(descriptor)
            guard code == EWOULDBLOCK else {
                throw .cannotOpen(databasePath, reason: "cannot lock \(lockPath): \(String(cString: strerror(code)))")
            }
            return .heldElsewhere(owner: Self.recordedOwner(lockPath))
        }
        let line = "\(getpid()) \(owner)\n"
        if ftruncate(descriptor, 0) == 0 {
            _ = line.withCString { pointer in pwrite(descriptor, pointer, strlen(pointer), 0) }
        }
        return .acquired(StateStoreOwnerLock(databasePath: databasePath, lockPath: lockPath, descriptor: descriptor))
    }

    /// Takes the lock, waiting up to `timeout` for a holder to let go (a command that is recording a manual
    /// action, for instance); creates the database's directory when missing, as opening the database would.
    ///
    /// Blocks the calling thread while it waits: call it when the process starts.
    ///
    /// - Throws: ``StoreError`` naming the holder when it still holds the lock after `timeout`.
    public static func acquire(
        databasePath: String, owner: String, timeout: Duration = .seconds(10)
    ) throws(StoreError) -> StateStoreOwnerLock {
        let directory = (databasePath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpen(
                    databasePath, reason: "cannot create directory \(directory): \(error.localizedDescription)")
            }
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            switch try attempt(databasePath: databasePath, owner: owner) {
            case .acquired(let lock):
                return lock
            case .heldElsewhere(let holder):
                if ContinuousClock.now >= deadline {
                    throw .cannotOpen(
                        databasePath,
                        reason: "\(describe(holder: holder)) owns it (\(lockPath(forDatabase: databasePath))); "
                            + "one process at a time serves a database")
                }
                usleep(50_000)
            }
        }
    }

    /// `failoverd serve (pid 4242)` from what a holder wrote, or `another process` when it wrote nothing yet.
    public static func describe(holder: String?) -> String {
        guard let holder, let space = holder.firstIndex(of: " "), Int32(holder[..<space]) != nil else {
            return "another process"
        }
        return "\(holder[holder.index(after: space)...]) (pid \(holder[..<space]))"
    }

    /// Lets go of the lock (closing the lock file); later calls do nothing.
    public func release() {
        descriptor.withLock { descriptor in
            guard descriptor >= 0 else { return }
            close(descriptor)
            descriptor = -1
        }
    }

    private static func recordedOwner(_ lockPath: String) -> String? {
        guard let data = FileManager.default.contents(atPath: lockPath) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
