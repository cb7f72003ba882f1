import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Short shell commands run by tests (promtool, amtool, openssl), waited for with `waitpid`.
///
/// Foundation's `Process.waitUntilExit()` once never returned in this suite although its child had exited,
/// and the whole run hung. Waiting for the child's own pid cannot miss its exit, and Foundation's process
/// monitor only reaps the processes it started.
public enum ShellCommand {
    /// Runs `command` as ``run(_:in:)`` does, on a Dispatch thread: a test on Swift's cooperative pool (two
    /// threads on two cores) that waited for a command there would starve the servers under test, whose handlers
    /// run on that pool (measured: with the suite slowed by AddressSanitizer, in-process servers missed 30 s
    /// client timeouts while tests waited for curl and promtool).
    public static func run(
        _ command: String, in directory: String? = nil
    ) async throws -> (
        status: Int32, output: String
    ) {
        try await BlockingCall.run { try runBlocking(command, in: directory) }
    }

    /// Runs `command` with `/bin/sh -c`, in `directory` when given, waiting on the calling thread; returns its exit
    /// status (128 + the signal when a signal ended it) and everything it wrote to standard output and error.
    public static func runBlocking(
        _ command: String, in directory: String? = nil
    ) throws -> (status: Int32, output: String) {
        let output = NSTemporaryDirectory() + "failoverd-shell-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        var script = "exec > '\(output)' 2>&1; \(command)"
        if let directory { script = "cd '\(directory)' && " + script }
        let words: [String] = ["/bin/sh", "-c", script]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } }
        defer { arguments.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        SpawnFileActions.closeInherited(&actions)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, arguments + [nil], environ)
        guard spawned == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "posix_spawn: \(spawned)"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let signal = status & 0x7f
        let exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return (exitStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }
}
