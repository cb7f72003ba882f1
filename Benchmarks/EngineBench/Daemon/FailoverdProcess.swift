import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `failoverd serve` started by the benchmark, its output in a log file; stopped by PID (SIGTERM, then SIGKILL),
/// also when the benchmark itself is told to stop (SIGTERM, SIGINT).
final class FailoverdProcess: @unchecked Sendable {
    private let process = Process()
    /// Where standard output and error go.
    let logPath: String
    nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []

    /// Starts `binary serve --config.file configPath` with `environment` added to the benchmark's own.
    init(binary: String, configPath: String, environment: [String: String], logPath: String) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--config.file", configPath, "--log.level", "warning"]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        Self.stopOnSignals(pid: process.processIdentifier)
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Whether it still runs.
    var isRunning: Bool { process.isRunning }

    /// What it has written so far.
    var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until `GET /-/ready` on `port` answers 200, up to `timeout` seconds.
    func waitUntilReady(port: UInt16, timeout: TimeInterval = 30) throws(BenchError) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            guard isRunning else { throw BenchError("failoverd exited before it was ready:\n\(output)") }
            if let connection = try? LoopbackConnection(port: port, timeoutSeconds: 2),
                let answer = try? connection.exchange("GET", "/-/ready"), answer.status == 200
            {
                return
            }
            usleep(20_000)
        }
        throw BenchError("failoverd was not ready on 127.0.0.1:\(port) within \(Int(timeout)) s:\n\(output)")
    }

    /// Resident set size in MB, from `/proc/<pid>/status`.
    var residentMegabytes: Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes / 1024
    }

    /// Stops the process: SIGTERM, then SIGKILL after `grace` seconds; returns its exit status (`nil`: killed).
    @discardableResult
    func stop(grace: TimeInterval = 15) -> Int32? {
        guard isRunning else { return process.terminationStatus }
        kill(pid, SIGTERM)
        let deadline = Date(timeIntervalSinceNow: grace)
        while isRunning, Date() < deadline { usleep(10_000) }
        guard isRunning else { return process.terminationStatus }
        kill(pid, SIGKILL)
        let killed = Date(timeIntervalSinceNow: 5)
        while isRunning, Date() < killed { usleep(10_000) }
        return nil
    }

    /// On SIGTERM or SIGINT to the benchmark: stop `pid` first, then exit with status 1.
    private static func stopOnSignals(pid: Int32) {
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                kill(pid, SIGTERM)
                var status: Int32 = 0
                for _ in 0..<500 where waitpid(pid, &status, WNOHANG) == 0 { usleep(10_000) }
                kill(pid, SIGKILL)
                exit(1)
            }
            source.resume()
            signalSources.append(source)
        }
    }
}
