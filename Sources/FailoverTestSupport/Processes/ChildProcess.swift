import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program started by a test, its output captured to a file; stopped by PID.
///
/// A test stops it with ``stop(grace:)`` (an `await`, which Swift's `defer` cannot hold); when a failing test
/// throws before that, the last reference goes away and `deinit` kills the program by its PID and reaps it, so
/// that no failed run leaves a server behind.
public final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    /// Where standard output and error go.
    public let logPath: String

    /// Starts `executable` with `arguments` in `directory`; output goes to `logPath`.
    public init(
        executable: String, arguments: [String], directory: String? = nil, environment: [String: String]? = nil,
        logPath: String
    ) throws {
        self.logPath = logPath
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Whether it still runs.
    public var isRunning: Bool { process.isRunning }

    /// What it has written so far.
    public var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Sends a signal to the process.
    public func signal(_ number: Int32) {
        if process.isRunning { kill(process.processIdentifier, number) }
    }

    /// Waits for exit up to `timeout`; returns the exit status, or `nil` if it still runs.
    public func waitForExit(timeout: Duration = .seconds(15)) async -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    /// Stops the process: SIGTERM, then SIGKILL after `grace`.
    public func stop(grace: Duration = .seconds(10)) async {
        signal(SIGTERM)
        if await waitForExit(timeout: grace) == nil {
            signal(SIGKILL)
            _ = await waitForExit(timeout: .seconds(5))
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
