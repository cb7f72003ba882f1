import FailoverTestSupport
import Foundation

/// Runs `failoverd` with arguments to completion and returns its exit status and output.
func runFailoverd(
    _ arguments: [String], directory: String? = nil, environment: [String: String]? = nil
) async throws -> (status: Int32, output: String) {
    let log = NSTemporaryDirectory() + "failoverd-run-\(UUID().uuidString.prefix(8)).log"
    defer { try? FileManager.default.removeItem(atPath: log) }
    let process = try ChildProcess(
        executable: PackagePaths.failoverdBinary, arguments: arguments, directory: directory,
        environment: environment.map { ProcessInfo.processInfo.environment.merging($0) { $1 } }, logPath: log)
    guard let status = await process.waitForExit(timeout: .seconds(30)) else {
        await process.stop()
        throw EndToEndError("failoverd \(arguments.joined(separator: " ")) did not exit")
    }
    return (status, process.output)
}

/// A failure of the end-to-end harness itself.
struct EndToEndError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A `failoverd serve` process on a free port with its state in `directory`.
final class ServeProcess: @unchecked Sendable {
    let process: ChildProcess
    let port: UInt16

    /// Starts `failoverd serve`; with no `port` given it takes a free one, and tries another when a parallel test
    /// took that one before failoverd could bind it (up to three times). A `launcher` (a program and its
    /// arguments) is started instead, with the binary and its arguments after its own; it must exec them.
    init(
        directory: TemporaryDirectory, extraArguments: [String] = [], port: UInt16? = nil, launcher: [String] = []
    ) async throws {
        var attempt = 1
        while true {
            let chosen = try port ?? FreePort.next()
            let child = try ChildProcess(
                executable: launcher.first ?? PackagePaths.failoverdBinary,
                arguments: launcher.dropFirst() + (launcher.isEmpty ? [] : [PackagePaths.failoverdBinary]) + [
                    "serve", "--web.listen-address", "127.0.0.1:\(chosen)", "--storage.path",
                    directory.file("data/failoverd.db"),
                ] + extraArguments,
                directory: directory.path, logPath: directory.file("failoverd-\(UUID().uuidString.prefix(6)).log"))
            do {
                try await Self.waitUntilReady(child, port: chosen)
                self.port = chosen
                process = child
                return
            } catch {
                await child.stop()
                guard port == nil, attempt < 3, child.output.contains("in use") else { throw error }
                attempt += 1
            }
        }
    }

    func waitUntilReady(timeout: Duration = .seconds(60)) async throws {
        try await Self.waitUntilReady(process, port: port, timeout: timeout)
    }

    static func waitUntilReady(_ process: ChildProcess, port: UInt16, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let response = try? await TestHTTP.send(port: port, "GET", "/-/ready"), response.status == 200 {
                return
            }
            guard process.isRunning else { throw EndToEndError("failoverd exited:\n\(process.output)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw EndToEndError("failoverd did not become ready:\n\(process.output)")
    }
}
