import FailoverTestSupport
import Foundation
import Testing

/// `deploy/failoverd.service` judged by systemd's own tools, where they are installed. Neither needs systemd to be
/// running: `verify` loads the unit as the service manager would and `security --offline=yes` scores its sandbox.
@Suite("deploy/failoverd.service")
struct SystemdUnitTests {
    static let analyze = "/usr/bin/systemd-analyze"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: analyze) }

    /// A copy of the unit in a fresh directory whose ExecStart names the built binary (verify checks that the
    /// program exists and is executable), with `extra` appended to its [Service] section.
    static func copy(in directory: TemporaryDirectory, appending extra: String = "") throws -> String {
        let unit = try String(contentsOfFile: PackagePaths.root + "/deploy/failoverd.service", encoding: .utf8)
        let installed = unit.replacingOccurrences(
            of: "ExecStart=/usr/local/bin/failoverd ", with: "ExecStart=\(PackagePaths.failoverdBinary) ")
        #expect(installed != unit, "ExecStart names /usr/local/bin/failoverd, as install.sh installs it")
        let withExtra = installed.replacingOccurrences(of: "\n[Install]\n", with: "\n\(extra)\n[Install]\n")
        return try directory.write("failoverd.service", withExtra)
    }

    @Test("systemd-analyze verify accepts it without a word", .enabled(if: available, "needs systemd-analyze"))
    func verify() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try Self.copy(in: directory)
        let (status, output) = try ShellCommand.runBlocking(
            "\(Self.analyze) verify ./failoverd.service", in: directory.path)
        #expect(status == 0, "\(output)")
        #expect(output.isEmpty, "every line verify prints is a finding:\n\(output)")

        // verify exits 0 on unknown keys and bad values too, saying so: the silence above is what counts.
        _ = try Self.copy(in: directory, appending: "ProtectSystem=everything\nMemoryDenyWriteExcute=yes")
        let (_, typos) = try ShellCommand.runBlocking("\(Self.analyze) verify ./failoverd.service", in: directory.path)
        #expect(typos.contains("Unknown key 'MemoryDenyWriteExcute'"), "\(typos)")
        #expect(typos.contains("everything"), "\(typos)")
    }

    @Test(
        "systemd-analyze security rates its exposure 2.0 or lower", .enabled(if: available, "needs systemd-analyze"))
    func exposure() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try Self.copy(in: directory)
        let (status, output) = try ShellCommand.runBlocking(
            "\(Self.analyze) security --offline=yes ./failoverd.service", in: directory.path)
        let line = output.split(separator: "\n").first { $0.contains("Overall exposure level") }
        guard status == 0, let line else {
            Issue.record("systemd-analyze security --offline=yes failed (\(status)):\n\(output)")
            return
        }
        print("systemd-analyze security: \(line.trimmingCharacters(in: .whitespaces))")
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(score.map { $0 <= 2.0 } == true, "\(line)")
    }
}
