import FailoverProcess
import FailoverTestSupport
import Foundation
import Testing

@Suite("ProcessRunner: what cannot be launched, and PATH lookup in the request's environment")
struct ProcessLaunchErrorTests {
    let runner = ProcessProbe.runner().0

    private func launchError(_ request: ProcessRequest) async -> ProcessLaunchError? {
        do {
            _ = try await runner.run(request)
            return nil
        } catch {
            return error
        }
    }

    private func request(
        _ arguments: [String], environment: [String: String] = [:], directory: String? = nil
    )
        -> ProcessRequest
    {
        ProcessRequest(
            arguments: arguments, environment: environment, workingDirectory: directory, timeout: .seconds(60))
    }

    @Test("an empty argument list or an empty command is refused")
    func emptyArguments() async throws {
        let none = try #require(await launchError(request([])))
        #expect(none.message.contains("empty"))
        let blank = try #require(await launchError(request([""])))
        #expect(blank.message.contains("empty"))
    }

    @Test("a missing file is refused")
    func missingFile() async throws {
        let error = try #require(await launchError(request(["/nonexistent/promote-replica", "us-east"])))
        #expect(error.message.contains("/nonexistent/promote-replica"))
        #expect(error.message.contains("no such file"))
        #expect(error.description == error.message)
    }

    @Test("a file without execute permission, or a directory, is refused")
    func notExecutable() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-noexec")
        defer { directory.remove() }
        let script = try directory.write("promote-replica", "#!/bin/sh\necho should not run\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: script)
        let error = try #require(await launchError(request([script])))
        #expect(error.message.contains("not executable"))

        let folder = try #require(await launchError(request([directory.path])))
        #expect(folder.message.contains("directory"))
    }

    @Test("a relative path with a slash is refused")
    func relativePath() async throws {
        let error = try #require(await launchError(request(["bin/promote-replica"])))
        #expect(error.message.contains("absolute"))
    }

    @Test("a bare name is found in the request environment's PATH, skipping relative entries")
    func nameFromRequestPath() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-path")
        defer { directory.remove() }
        let tool = try directory.write("failover-probe-tool", "#!/bin/sh\necho \"probe $0 $1\"\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool)
        let outcome = try await runner.run(
            request(
                ["failover-probe-tool", "us-east"],
                environment: ["PATH": "/nonexistent::relative/bin:\(directory.path)"]))
        #expect(outcome.succeeded)
        #expect(outcome.output == "probe \(tool) us-east\n")
    }

    @Test("a name only failoverd's own PATH has is not found")
    func parentPathIsNotUsed() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-nopath")
        defer { directory.remove() }
        let error = try #require(
            await launchError(request(["sh", "-c", "true"], environment: ["PATH": directory.path])))
        #expect(error.message.contains("not found"))

        let noPath = try #require(await launchError(request(["sh", "-c", "true"], environment: ["HOME": "/"])))
        #expect(noPath.message.contains("no PATH"))
    }

    @Test("a name whose only match is not executable says so")
    func nameNotExecutable() async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-exec-pathnoexec")
        defer { directory.remove() }
        let tool = try directory.write("failover-probe-tool", "#!/bin/sh\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tool)
        let error = try #require(
            await launchError(request(["failover-probe-tool"], environment: ["PATH": directory.path])))
        #expect(error.message.contains("not executable"))
    }

    @Test("a missing working directory is refused")
    func missingWorkingDirectory() async throws {
        let error = try #require(await launchError(request(["/bin/true"], directory: "/nonexistent/runbooks")))
        #expect(error.message.contains("working directory"))
    }

    @Test("an environment name that execve cannot carry is refused without echoing values")
    func invalidEnvironment() async throws {
        let error = try #require(
            await launchError(request(["/bin/true"], environment: ["A=B": "secret-token-value"])))
        #expect(error.message.contains("A=B"))
        #expect(!error.message.contains("secret-token-value"))
        let nul = try #require(await launchError(request(["/bin/true"], environment: ["TOKEN": "sec\u{0}ret"])))
        #expect(!nul.message.contains("sec"))
    }
}
