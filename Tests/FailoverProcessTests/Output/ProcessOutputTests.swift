import FailoverProcess
import FailoverTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ProcessRunner: combined output, its order and its cap")
struct ProcessOutputTests {
    let runner = ProcessProbe.runner().0

    @Test("standard output and error arrive interleaved in the order they were written")
    func arrivalOrder() async throws {
        let outcome = try await runner.run(
            ProcessProbe.shell("echo out1; echo err1 >&2; echo out2; echo err2 >&2; echo out3"))
        #expect(outcome.output == "out1\nerr1\nout2\nerr2\nout3\n")
        #expect(outcome.outputBytes == 25)
        #expect(!outcome.outputTruncated)
    }

    @Test("a child writing 10 MB keeps the first 64 KiB and counts every byte")
    func tenMegabytesCapped() async throws {
        let total = 10 * 1024 * 1024
        let outcome = try await runner.run(ProcessProbe.shell(#"head -c "$1" /dev/zero | tr '\0' x"#, "\(total)"))
        #expect(outcome.succeeded)
        #expect(outcome.outputBytes == total)
        #expect(outcome.outputTruncated)
        #expect(outcome.output.utf8.count == ProcessRequest.defaultOutputLimit)
        #expect(outcome.output.utf8.allSatisfy { $0 == UInt8(ascii: "x") })
    }

    @Test("the cap keeps the beginning: stderr written first stays, later stdout is dropped")
    func capKeepsBeginning() async throws {
        let outcome = try await runner.run(
            ProcessProbe.shell("echo first >&2; echo second; echo third >&2", outputLimit: 13))
        #expect(outcome.output == "first\nsecond\n")
        #expect(outcome.outputBytes == 19)
        #expect(outcome.outputTruncated)
    }

    @Test("a zero limit keeps nothing and still counts")
    func zeroLimit() async throws {
        let outcome = try await runner.run(ProcessProbe.shell("echo hidden", outputLimit: 0))
        #expect(outcome.output == "")
        #expect(outcome.outputBytes == 7)
        #expect(outcome.outputTruncated)
    }

    @Test("invalid UTF-8 becomes U+FFFD; a character cut by the cap is left out")
    func lossyUTF8() async throws {
        let invalid = try await runner.run(ProcessProbe.shell(#"printf 'a\377b'"#))
        #expect(invalid.output == "a\u{FFFD}b")
        #expect(invalid.outputBytes == 3)

        let cut = try await runner.run(ProcessProbe.shell("printf 'ééé'", outputLimit: 5))
        #expect(cut.output == "éé")
        #expect(cut.outputBytes == 6)
        #expect(cut.outputTruncated)
    }

    @Test("a background grandchild that keeps the output open does not hold the run once the step exited")
    func grandchildHoldingOutput() async throws {
        let outcome = try await runLeavingGrandchild(#"echo main; sleep 300 & echo "$!" > "$1"; exit 0"#)
        #expect(outcome.succeeded)
        #expect(!outcome.timedOut)
        #expect(outcome.output == "main\n")
        #expect(outcome.duration < .seconds(60))
    }

    @Test("what the step wrote up to its exit is read in full although a grandchild keeps the output open")
    func outputBufferedAtTheLeadersExitIsDrained() async throws {
        // 200,000 bytes: more than a pipe holds, so the step blocks on it while it is read, and the last 64 KiB
        // are still in the pipe when it exits.
        let outcome = try await runLeavingGrandchild(
            #"sleep 300 & echo "$!" > "$1"; head -c 200000 /dev/zero; exit 0"#)
        #expect(outcome.succeeded)
        #expect(outcome.outputBytes == 200_000)
        #expect(outcome.duration < .seconds(60))
    }

    /// Runs `script` (which writes its background grandchild's PID to the file named by `$1`) with a 60 s timeout,
    /// and kills that grandchild afterwards.
    private func runLeavingGrandchild(_ script: String) async throws -> ProcessOutcome {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-holder")
        defer { directory.remove() }
        let pidFile = directory.file("grandchild.pid")
        let outcome = try await runner.run(ProcessProbe.shell(script, pidFile, timeout: .seconds(60)))
        let grandchild = try #require(await ProcessProbe.pid(writtenTo: pidFile))
        kill(grandchild, SIGKILL)
        return outcome
    }
}
