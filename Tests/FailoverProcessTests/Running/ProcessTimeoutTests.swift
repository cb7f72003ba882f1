import FailoverProcess
import FailoverTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ProcessRunner: timeouts and cancellation stop the whole process group")
struct ProcessTimeoutTests {
    @Test("after the timeout neither the step nor its background grandchild exists")
    func timeoutKillsGrandchild() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-timeout")
        defer { directory.remove() }
        let (runner, log) = ProcessProbe.runner()
        let pidFile = directory.file("grandchild.pid")
        let outcome = try await runner.run(
            ProcessProbe.shell(#"sleep 300 & echo "$!" > "$1"; echo started; sleep 300"#, pidFile, timeout: .seconds(3))
        )
        let grandchild = try #require(await ProcessProbe.pid(writtenTo: pidFile, timeout: .seconds(1)))
        defer { kill(grandchild, SIGKILL) }

        #expect(outcome.timedOut)
        #expect(!outcome.succeeded)
        #expect(outcome.termination == .signaled(SIGTERM))
        #expect(outcome.output == "started\n")
        #expect(outcome.duration >= .seconds(3))
        #expect(await ProcessProbe.eventually { !ProcessProbe.isRunning(grandchild) })
        #expect(!ProcessProbe.isRunning(outcome.processID))
        #expect(!ProcessProbe.isUnreapedChild(outcome.processID))
        #expect(log.all.contains { $0.level == .warning && $0.message.contains("timeout") })
    }

    @Test("a group that ignores SIGTERM gets SIGKILL after the kill grace")
    func sigkillAfterGrace() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-kill")
        defer { directory.remove() }
        let (runner, log) = ProcessProbe.runner()
        let pidFile = directory.file("grandchild.pid")
        let outcome = try await runner.run(
            ProcessProbe.shell(
                #"trap '' TERM; sleep 300 & echo "$!" > "$1"; wait"#, pidFile, timeout: .seconds(2),
                killGrace: .milliseconds(500)))
        let grandchild = try #require(await ProcessProbe.pid(writtenTo: pidFile, timeout: .seconds(1)))
        defer { kill(grandchild, SIGKILL) }

        #expect(outcome.timedOut)
        #expect(outcome.termination == .signaled(SIGKILL))
        #expect(outcome.duration >= .milliseconds(2500))
        #expect(await ProcessProbe.eventually { !ProcessProbe.isRunning(grandchild) })
        #expect(log.all.contains { $0.message.contains("SIGKILL") })
    }

    @Test("a grandchild that ignores SIGTERM is killed although the step itself died of it")
    func grandchildOutlivingLeaderIsKilled() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-orphan")
        defer { directory.remove() }
        let (runner, _) = ProcessProbe.runner()
        let pidFile = directory.file("grandchild.pid")
        let started = ContinuousClock.now
        let outcome = try await runner.run(
            ProcessProbe.shell(
                #"(trap '' TERM; exec sleep 300) & echo "$!" > "$1"; sleep 300"#, pidFile, timeout: .seconds(2),
                killGrace: .milliseconds(500)))
        let returned = ContinuousClock.now - started
        let grandchild = try #require(await ProcessProbe.pid(writtenTo: pidFile, timeout: .seconds(1)))
        defer { kill(grandchild, SIGKILL) }

        #expect(outcome.timedOut)
        #expect(outcome.termination == .signaled(SIGTERM))
        // The step itself died of SIGTERM at 2 s; the run returns only after the grace, once SIGKILL went to the
        // grandchild that ignored SIGTERM.
        #expect(outcome.duration >= .seconds(2))
        #expect(returned >= .milliseconds(2500))
        #expect(await ProcessProbe.eventually { !ProcessProbe.isRunning(grandchild) })
    }

    @Test("cancelling the calling task stops the process group and returns the outcome")
    func cancellationKillsGroup() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-cancel")
        defer { directory.remove() }
        let (runner, _) = ProcessProbe.runner()
        let pidFile = directory.file("grandchild.pid")
        let request = ProcessProbe.shell(
            #"sleep 300 & echo "$!" > "$1"; sleep 300"#, pidFile, timeout: .seconds(600), killGrace: .seconds(5))
        let step = Task { try await runner.run(request) }
        let grandchild = try #require(await ProcessProbe.pid(writtenTo: pidFile))
        defer { kill(grandchild, SIGKILL) }
        #expect(ProcessProbe.isRunning(grandchild))
        step.cancel()
        let outcome = try await step.value

        #expect(!outcome.timedOut)
        #expect(!outcome.succeeded)
        #expect(outcome.termination == .signaled(SIGTERM))
        #expect(outcome.duration < .seconds(600))
        #expect(await ProcessProbe.eventually { !ProcessProbe.isRunning(grandchild) })
        #expect(!ProcessProbe.isRunning(outcome.processID))
    }

    @Test("a task cancelled before the run starts nothing")
    func cancelledBeforeStart() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-precancel")
        defer { directory.remove() }
        let (runner, _) = ProcessProbe.runner()
        let marker = directory.file("ran")
        let step = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await runner.run(ProcessProbe.shell(#"touch "$1""#, marker))
        }
        await #expect(throws: ProcessLaunchError.self) { try await step.value }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("a step that finishes before its timeout is not marked timed out")
    func finishesInTime() async throws {
        let (runner, _) = ProcessProbe.runner()
        let outcome = try await runner.run(ProcessProbe.shell("echo quick", timeout: .seconds(60)))
        #expect(outcome.succeeded)
        #expect(!outcome.timedOut)
        #expect(outcome.duration < .seconds(60))
    }
}
