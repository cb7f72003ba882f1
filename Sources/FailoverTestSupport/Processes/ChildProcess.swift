import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A program started by a test, its output captured to a file; stopped by PID.
///
/// A test stops it with ``stop(grace:)`` (an `await`, which Swift's `defer` cannot hold); when a failing test
/// throws before that, the last reference goes away and `deinit` kills the program by its PID and reaps it, so
/// that no failed run leaves a server behind.
///
/// Started with `posix_spawn` and reaped with `waitpid` on its own pid, not through Foundation's `Process`: that
/// one's `run()` copies each entry of `/proc/self/fd` with the full size of `struct dirent`, past the record the
/// kernel returned; once the test process had enough descriptors open for a read to cross into an unmapped page,
/// it crashed the whole test run (AddressSanitizer names the same copy a heap-buffer-overflow).
public final class ChildProcess: @unchecked Sendable {
    /// The process id.
    public let pid: Int32
    /// Where standard output and error go.
    public let logPath: String
    /// The `waitpid` status once the process has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments` in `directory`; output goes to `logPath`.
    public init(
        executable: String, arguments: [String], directory: String? = nil, environment: [String: String]? = nil,
        logPath: String
    ) throws {
        self.logPath = logPath
        let output = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw TestHTTPError("cannot open \(logPath): errno \(errno)") }
        defer { close(output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        SpawnFileActions.closeInherited(&actions)
        if let directory { SpawnFileActions.changeDirectory(&actions, to: directory) }
        // The child starts with default signal dispositions and an empty mask, whatever the test process set.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        var noSignal = sigset_t()
        sigemptyset(&noSignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setsigmask(&attributes, &noSignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environmentList: [UnsafeMutablePointer<CChar>?]? = environment.map { values in
            values.map { strdup("\($0.key)=\($0.value)") } + [nil]
        }
        defer { environmentList?.forEach { free($0) } }
        var child: pid_t = 0
        let status =
            if let environmentList {
                posix_spawn(&child, executable, &actions, &attributes, argv, environmentList)
            } else {
                posix_spawn(&child, executable, &actions, &attributes, argv, environ)
            }
        guard status == 0 else {
            throw TestHTTPError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        pid = child
        LiveChildren.register(child)
    }

    deinit {
        guard isRunning else { return }
        kill(pid, SIGKILL)
        reap(blocking: true)
    }

    /// Whether it still runs (reaps it when it has exited).
    public var isRunning: Bool {
        reap(blocking: false)
        return reaped.withLock { $0 } == nil
    }

    /// What it has written so far.
    public var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Sends a signal to the process.
    public func signal(_ number: Int32) {
        if isRunning { kill(pid, number) }
    }

    /// Waits for exit up to `timeout`; returns the exit status (the signal's number when a signal ended it), or
    /// `nil` if it still runs.
    public func waitForExit(timeout: Duration = .seconds(15)) async -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard let status = reaped.withLock({ $0 }) else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }

    /// Stops the process: SIGTERM, then SIGKILL after `grace`.
    public func stop(grace: Duration = .seconds(10)) async {
        signal(SIGTERM)
        if await waitForExit(timeout: grace) == nil {
            signal(SIGKILL)
            _ = await waitForExit(timeout: .seconds(5))
        }
    }

    /// Collects the exit status once; under the lock, so two callers never both wait for the same pid.
    private func reap(blocking: Bool) {
        reaped.withLock { reaped in
            guard reaped == nil else { return }
            var status: Int32 = 0
            var result: pid_t
            repeat {
                result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            } while result == -1 && errno == EINTR
            if result == pid {
                reaped = status
                LiveChildren.unregister(pid)
            }
        }
    }

    /// Waits until `output` contains `text`, up to `timeout`.
    public func waitForOutput(_ text: String, timeout: Duration = .seconds(15)) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if output.contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return output.contains(text)
    }
}

/// Finds free loopback ports by binding port 0 and reading the kernel's choice.
public enum FreePort {
    /// A port that was free a moment ago on 127.0.0.1 (for programs that cannot be told to pick their own).
    public static func next() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddr in
                bind(descriptor, sockaddr, length) == 0 && getsockname(descriptor, sockaddr, &length) == 0
            }
        }
        guard bound else { throw TestHTTPError("cannot bind a free port: errno \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }
}

/// The programs tests started that have not been reaped, killed when the test process exits: a test that is still
/// waiting when the run ends (a hang, a time limit) never releases its ``ChildProcess``, so `deinit` cannot stop
/// it (runs with failing tests left `failoverd serve` processes behind). A crash of the test process itself still
/// leaves them.
private enum LiveChildren {
    nonisolated(unsafe) private static var installed = false
    private static let pids = Mutex<Set<pid_t>>([])

    static func register(_ pid: pid_t) {
        let first = pids.withLock { pids in
            pids.insert(pid)
            defer { installed = true }
            return !installed
        }
        if first { atexit { LiveChildren.killAll() } }
    }

    static func unregister(_ pid: pid_t) {
        _ = pids.withLock { $0.remove(pid) }
    }

    static func killAll() {
        for pid in pids.withLock({ $0 }) { kill(pid, SIGKILL) }
    }
}
