import FailoverTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Programs a test starts")
struct ChildProcessCleanupTests {
    /// A test that throws between starting a program and its `await stop()` (which no `defer` can hold) must not
    /// leave the program running: the last reference going away kills it by its PID.
    @Test func aFailingTestLeavesNoProgramBehind() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var pid: Int32 = 0
        func failingTest() throws {
            let sleeper = try ChildProcess(
                executable: "/bin/sleep", arguments: ["600"], logPath: directory.file("sleep.log"))
            pid = sleeper.pid
            #expect(sleeper.isRunning)
            throw EndToEndError("the test failed before it stopped its program")
        }
        #expect(throws: EndToEndError.self) { try failingTest() }
        #expect(pid > 0)
        #expect(kill(pid, 0) == -1 && errno == ESRCH, "process \(pid) is still there")
    }
}
