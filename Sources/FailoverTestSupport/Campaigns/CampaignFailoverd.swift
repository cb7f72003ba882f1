import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The `failoverd serve` of a campaign: started on a state directory and a configuration file, on a new free port
/// each time, killed with SIGKILL or stopped with SIGTERM by PID, started again on the same state.
///
/// The port of the running process is readable from any task (``port``), so that senders follow restarts.
public final class CampaignFailoverd: Sendable {
    private struct Running: Sendable {
        var process: ChildProcess?
        var port: UInt16?
        var starts = 0
        var logTails: [String] = []
    }

    /// The configuration file.
    public let configPath: String
    /// The SQLite file (`storage.path`).
    public let databasePath: String
    /// Where logs go.
    public let directory: TemporaryDirectory
    private let running = Mutex(Running())

    /// A failoverd of the state at `databasePath`; nothing runs until ``start(waitUntilReady:)``.
    public init(directory: TemporaryDirectory, configPath: String, databasePath: String) {
        self.directory = directory
        self.configPath = configPath
        self.databasePath = databasePath
    }

    /// The port of the running process, `nil` while none runs.
    public var port: UInt16? { running.withLock { $0.port } }

    /// How many processes were started.
    public var starts: Int { running.withLock { $0.starts } }

    /// The running process's PID, `nil` while none runs.
    public var pid: Int32? { running.withLock { $0.process?.pid } }

    /// Starts `failoverd serve` on a free port; waits for `/-/ready` 200 when asked. A port taken by someone else
    /// between the choice and the bind is retried on another (three times).
    public func start(waitUntilReady: Bool = true, timeout: Duration = .seconds(30)) async throws {
        for attempt in 1...3 {
            let chosen = try FreePort.next()
            let index = running.withLock { state -> Int in
                state.starts += 1
                return state.starts
            }
            let process = try ChildProcess(
                executable: PackagePaths.failoverdBinary,
                arguments: [
                    "serve", "--config.file", configPath, "--web.listen-address", "127.0.0.1:\(chosen)",
                    "--storage.path", databasePath, "--log.level", "warning",
                ], directory: directory.path, logPath: directory.file("failoverd-\(index).log"))
            running.withLock {
                $0.process = process
                $0.port = chosen
            }
            guard waitUntilReady else { return }
            do {
                try await PollingDeadline.wait(
                    for: "failoverd to answer /-/ready 200", within: timeout, every: .milliseconds(20)
                ) {
                    guard process.isRunning else {
                        throw FailoverdAPIError("failoverd exited at start:\n\(process.output.suffix(3000))")
                    }
                    let ready = try? await TestHTTP.send(port: chosen, "GET", "/-/ready")
                    return ready?.status == 200 ? true : nil
                }
                return
            } catch {
                let inUse = process.output.contains("in use")
                await stop()
                guard inUse, attempt < 3 else { throw error }
            }
        }
    }

    /// Kills the running process with SIGKILL by PID and waits until it is gone.
    public func kill() async throws {
        guard let process = detach() else { return }
        process.signal(SIGKILL)
        guard await process.waitForExit(timeout: .seconds(10)) != nil else {
            throw FailoverdAPIError("failoverd \(process.pid) survived SIGKILL")
        }
        keepTail(of: process)
    }

    /// Stops the running process with SIGTERM by PID (SIGKILL after 15 s).
    public func stop() async {
        guard let process = detach() else { return }
        await process.stop(grace: .seconds(15))
        keepTail(of: process)
    }

    private func detach() -> ChildProcess? {
        running.withLock { state in
            defer {
                state.process = nil
                state.port = nil
            }
            return state.process
        }
    }

    private func keepTail(of process: ChildProcess) {
        let tail = String(process.output.suffix(1500))
        running.withLock { state in
            state.logTails.append(tail)
            if state.logTails.count > 3 { state.logTails.removeFirst() }
        }
    }

    /// The ends of the last logs, for a failure report.
    public var logTails: String { running.withLock { $0.logTails.joined(separator: "\n---\n") } }

    /// Runs `failoverd audit verify` on the file (failoverd must be stopped); returns whether it printed `intact`
    /// and exited 0, and its output.
    public func verifyAudit() async throws -> (intact: Bool, output: String) {
        let process = try ChildProcess(
            executable: PackagePaths.failoverdBinary, arguments: ["audit", "verify", "--storage.path", databasePath],
            directory: directory.path, logPath: directory.file("audit-verify.log"))
        guard let status = await process.waitForExit(timeout: .seconds(60)) else {
            await process.stop()
            throw FailoverdAPIError("failoverd audit verify did not exit")
        }
        let output = process.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return (status == 0 && output.hasPrefix("intact"), output)
    }
}
