import FailoverTestSupport
import Foundation
import Synchronization
import Testing

@testable import FailoverProcess

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ProcessRunner: the output pipe cannot be created")
struct OutputPipeFailureTests {
    @Test("pipe(2) failing (descriptors exhausted) is a launch error naming the cause; nothing is started")
    func pipeFails() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-pipe")
        defer { directory.remove() }
        let marker = (directory.path as NSString).appendingPathComponent("ran")
        let (logger, logs) = InMemoryLogHandler.logger(label: "exec-test")
        let calls = Mutex(0)
        let runner = ProcessRunner(logger: logger) { _ in
            calls.withLock { $0 += 1 }
            errno = EMFILE
            return -1
        }
        let request = ProcessProbe.shell("touch \"$1\"", marker)
        let error = try await #require(throws: ProcessLaunchError.self) { try await runner.run(request) }
        #expect(error.message == "exec: cannot create the output pipe: \(String(cString: strerror(EMFILE)))")
        #expect(calls.withLock { $0 } == 1)
        #expect(!FileManager.default.fileExists(atPath: marker), "no process was started without its pipe")
        let warnings = logs.all.filter { $0.level == .warning }
        #expect(warnings.map(\.message) == ["exec step could not run"])
        #expect(warnings.first?.metadata["error"] == error.message)
    }

    @Test("the same runner with a working pipe runs the command: the failure was the pipe's alone")
    func pipeWorks() async throws {
        let (logger, _) = InMemoryLogHandler.logger(label: "exec-test")
        let runner = ProcessRunner(logger: logger) { pipe($0) }
        let outcome = try await runner.run(ProcessProbe.shell("echo promoted \"$1\"", "us-east"))
        #expect(outcome.termination == .exited(0))
        #expect(outcome.output == "promoted us-east\n")
    }
}
