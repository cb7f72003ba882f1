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

    /// The test process holds descriptors without close-on-exec; the programs its tests start get none of them.
    @Test func programsInheritNoDescriptorOfTheTestProcess() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = open("/dev/null", O_RDONLY)
        #expect(original >= 0)
        let inheritable = fcntl(original, F_DUPFD, 900)
        close(original)
        #expect(inheritable >= 900)
        defer { close(inheritable) }
        let list = #"for f in /proc/$$/fd/*; do echo "${f##*/}"; done"#
        let shell = try await ShellCommand.run(list)
        #expect(shell.status == 0)
        #expect(!shell.output.split(separator: "\n").contains("\(inheritable)"), "a shell inherited: \(shell.output)")
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", list], logPath: directory.file("descriptors.log"))
        #expect(await child.waitForExit(timeout: .seconds(30)) == 0)
        #expect(!child.output.split(separator: "\n").contains("\(inheritable)"), "a program inherited: \(child.output)")
        #expect(child.output.split(separator: "\n").contains("1"), "the listing ran: \(child.output)")
    }
}
