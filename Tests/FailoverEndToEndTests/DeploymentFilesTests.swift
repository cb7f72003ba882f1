import FailoverTestSupport
import Foundation
import Testing

/// The Prometheus and Alertmanager files shipped in prometheus/ are judged by the real tools. (The example
/// failoverd configuration is checked where it is installed, beside its token files: `InstallScriptTests`.)
@Suite("prometheus/ files")
struct DeploymentFilesTests {
    static func run(_ command: String) throws -> (Int32, String) {
        try ShellCommand.run(command, in: "\(PackagePaths.root)/prometheus")
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
}
