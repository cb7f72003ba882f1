import FailoverTestSupport
import Foundation
import Testing

/// The Prometheus and Alertmanager files shipped in prometheus/ are judged by the real tools.
@Suite("prometheus/ files")
struct DeploymentFilesTests {
    static func run(_ command: String) throws -> (Int32, String) {
        let output = NSTemporaryDirectory() + "failoverd-tool-\(UUID().uuidString.prefix(8)).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "cd '\(PackagePaths.root)/prometheus' && \(command) > '\(output)' 2>&1"]
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    @Test(
        "promtool and amtool accept them",
        arguments: [
            "promtool check config prometheus.yml",
            "promtool check rules rules/failover.rules.yml rules/failoverd.rules.yml",
            "promtool test rules rules/failover.rules.test.yml",
            "amtool check-config alertmanager.yml",
        ])
    func valid(command: String) throws {
        let (status, output) = try Self.run(command)
        #expect(status == 0, "\(command):\n\(output)")
    }

    @Test("the example failoverd configuration passes check-config")
    func exampleConfiguration() async throws {
        let (status, output) = try await runFailoverd(
            ["check-config", "--config.file", PackagePaths.root + "/deploy/failoverd.example.yml"])
        #expect(status == 0, "\(output)")
    }
}
