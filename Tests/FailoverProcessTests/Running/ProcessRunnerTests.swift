import FailoverProcess
import FailoverTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ProcessRunner: exit status, signals, argv, environment, stdin, descriptors")
struct ProcessRunnerTests {
    let runner = ProcessProbe.runner().0

    @Test("exit status 0 is success, any other is a failure outcome, not an error")
    func exitStatus() async throws {
        let zero = try await runner.run(ProcessProbe.shell("exit 0"))
        #expect(zero.termination == .exited(0))
        #expect(zero.succeeded)
        #expect(!zero.timedOut)
        #expect(zero.processID > 0)

        let three = try await runner.run(ProcessProbe.shell("echo failing; exit 3"))
        #expect(three.termination == .exited(3))
        #expect(!three.succeeded)
        #expect(three.output == "failing\n")
    }

    @Test("a process killed by a signal reports the signal")
    func signaled() async throws {
        let outcome = try await runner.run(ProcessProbe.shell("kill -USR1 $$"))
        #expect(outcome.termination == .signaled(SIGUSR1))
        #expect(!outcome.succeeded)
        #expect(!outcome.timedOut)
    }

    @Test("arguments reach the child verbatim: no shell, argv[0] as given")
    func argumentsVerbatim() async throws {
        let words = ["a b", "", "$HOME;*", "\"quoted\"", "new\nline", "ünïcode"]
        let printed = try await runner.run(
            ProcessRequest(
                arguments: ["/usr/bin/printf", "[%s]\\n"] + words, environment: [:], timeout: .seconds(60)))
        #expect(printed.output == words.map { "[\($0)]\n" }.joined())

        let commandLine = try await runner.run(
            ProcessRequest(
                arguments: ["cat", "/proc/self/cmdline"], environment: ProcessProbe.shellEnvironment,
                timeout: .seconds(60)))
        #expect(commandLine.output == "cat\u{0}/proc/self/cmdline\u{0}")
    }

    @Test("the child's environment is exactly the request's, nothing inherited")
    func environmentExactlyAsGiven() async throws {
        let environment = [
            "FAILOVER_REGION": "us-east", "WITH_SPACES": "a b  c", "WITH_EQUALS": "k=v=w", "MULTILINE": "one\ntwo",
            "EMPTY": "", "UNICODE": "zürich",
        ]
        let outcome = try await runner.run(
            ProcessRequest(arguments: ["/usr/bin/env", "-0"], environment: environment, timeout: .seconds(60)))
        #expect(outcome.succeeded)
        var seen: [String: String] = [:]
        for entry in outcome.output.split(separator: "\u{0}") {
            let (key, value) = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                .map(String.init).splitPair()
            seen[key] = value
        }
        #expect(seen == environment)

        let empty = try await runner.run(
            ProcessRequest(arguments: ["/usr/bin/env"], environment: [:], timeout: .seconds(60)))
        #expect(empty.output == "")
    }

    @Test("standard input is /dev/null")
    func standardInputIsDevNull() async throws {
        let link = try await runner.run(
            ProcessRequest(
                arguments: ["/usr/bin/readlink", "/proc/self/fd/0"], environment: [:], timeout: .seconds(60)))
        #expect(link.output == "/dev/null\n")
        let read = try await runner.run(ProcessProbe.shell("cat; echo read-to-end"))
        #expect(read.output == "read-to-end\n")
    }

    @Test("the parent's file descriptors are not inherited")
    func descriptorsNotInherited() async throws {
        // A descriptor without close-on-exec, at a number no child would pick for itself.
        let plain = open("/dev/null", O_RDONLY)
        #expect(plain >= 0)
        let high = fcntl(plain, F_DUPFD, 300)
        close(plain)
        #expect(high >= 300)
        #expect(fcntl(high, F_GETFD) & FD_CLOEXEC == 0)
        defer { close(high) }

        // The shell's own glob of /proc/$$/fd: 0, 1, 2 and the directory it is reading.
        let outcome = try await runner.run(
            ProcessProbe.shell(#"for f in /proc/$$/fd/*; do echo "${f##*/}"; done"#))
        let descriptors = Set(outcome.output.split(separator: "\n").compactMap { Int32($0) })
        #expect(!descriptors.contains(high))
        #expect(descriptors.isSubset(of: [0, 1, 2, 3]), "open in the child: \(descriptors.sorted())")
        #expect(descriptors.isSuperset(of: [0, 1, 2]))
    }

    @Test("the working directory is the request's")
    func workingDirectory() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-cwd")
        defer { directory.remove() }
        let outcome = try await runner.run(
            ProcessRequest(
                arguments: ["/bin/pwd"], environment: [:], workingDirectory: directory.path, timeout: .seconds(60)))
        let real = URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path
        #expect(outcome.output == real + "\n")
    }

    @Test("the child leads a process group of its own")
    func ownProcessGroup() async throws {
        let outcome = try await runner.run(ProcessProbe.shell(#"echo "$$ $(cut -d ' ' -f 5 /proc/$$/stat)""#))
        let words = outcome.output.split(whereSeparator: \.isWhitespace)
        #expect(words.count == 2)
        #expect(words.first == words.last)
        #expect(words.first.flatMap { Int32($0) } == outcome.processID)
        #expect(getpgrp() != outcome.processID)
    }
}

extension Array where Element == String {
    /// The first two elements as a pair; a missing second is "".
    fileprivate func splitPair() -> (String, String) {
        (first ?? "", count > 1 ? self[1] : "")
    }
}
