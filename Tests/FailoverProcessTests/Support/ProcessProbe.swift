import FailoverProcess
import FailoverTestSupport
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// What the tests look at from outside: whether a PID still runs, whether a child was left unreaped, and
/// conditions waited for with a deadline.
enum ProcessProbe {
    /// The environment the shell snippets need: just a PATH.
    static let shellEnvironment = ["PATH": "/usr/bin:/bin"]

    /// A runner logging into memory, and the store to read the log from.
    static func runner() -> (ProcessRunner, InMemoryLogHandler.Store) {
        let (logger, store) = InMemoryLogHandler.logger(label: "exec-test")
        return (ProcessRunner(logger: logger), store)
    }

    /// A request for `/bin/sh -c script` with `arguments` as `$1...`.
    static func shell(
        _ script: String, _ arguments: String..., timeout: Duration = .seconds(60), killGrace: Duration = .seconds(5),
        outputLimit: Int = ProcessRequest.defaultOutputLimit
    ) -> ProcessRequest {
        ProcessRequest(
            arguments: ["/bin/sh", "-c", script, "sh"] + arguments, environment: shellEnvironment,
            timeout: timeout, killGrace: killGrace, outputLimit: outputLimit)
    }

    /// The state letter of `/proc/<pid>/stat` and the parent's PID, or `nil` when there is no such process.
    static func stat(_ pid: Int32) -> (state: Character, parent: Int32)? {
        guard let line = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = line.lastIndex(of: ")")
        else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        guard fields.count >= 2, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
        return (state, parent)
    }

    /// Whether `pid` names a process that still runs. `kill(pid, 0)` answers for a zombie too, and PID 1 on
    /// this kind of machine does not collect orphans, so an orphan killed by the runner stays a zombie: a
    /// zombie counts as gone.
    static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = stat(pid) else { return false }
        return stat.state != "Z" && stat.state != "X"
    }

    /// Whether `pid` is a child of this test process that exited and was never reaped.
    static func isUnreapedChild(_ pid: Int32) -> Bool {
        guard let stat = stat(pid) else { return false }
        return stat.state == "Z" && stat.parent == getpid()
    }

    /// Polls `condition` until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// The PID a snippet wrote into `file`, waited for with a deadline.
    static func pid(writtenTo file: String, timeout: Duration = .seconds(90)) async -> Int32? {
        var pid: Int32?
        _ = await eventually(timeout: timeout) {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            pid = text.hasSuffix("\n") ? Int32(text.dropLast()) : nil
            return pid != nil
        }
        return pid
    }
}
