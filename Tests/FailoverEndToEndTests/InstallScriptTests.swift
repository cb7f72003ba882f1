import FailoverTestSupport
import Foundation
import Testing

/// `deploy/install.sh` run into a temporary root (`--root DIR --no-chown`) with the binary the tests built: what it
/// installs with which modes, that it keeps the operator's files, that a second run changes nothing, and what it
/// refuses. The real-root path (creating the user, setting owners) is not run here: it would change this machine.
@Suite("deploy/install.sh", .serialized)
struct InstallScriptTests {
    static let script = PackagePaths.root + "/deploy/install.sh"

    /// Runs the script with `arguments` (quoted for the shell), as `user` when given (through setpriv).
    static func install(_ arguments: [String], as user: String? = nil) throws -> (status: Int32, output: String) {
        let quoted = ([script] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let prefix = user.map { "setpriv --reuid=\($0) --regid=nogroup --clear-groups " } ?? ""
        return try ShellCommand.runBlocking(prefix + "bash " + quoted)
    }

    /// Every path below `root` with its permission bits, `0755 usr/local/bin/failoverd`, sorted.
    static func tree(_ root: String) throws -> [String] {
        let (status, output) = try ShellCommand.runBlocking(
            "find . -mindepth 1 -printf '%#m %P\\n' | sort -k2", in: root)
        #expect(status == 0, "\(output)")
        return output.split(separator: "\n").map(String.init)
    }

    /// The modification times of every file below `root`.
    static func modificationTimes(_ root: String) throws -> String {
        try ShellCommand.runBlocking("find . -mindepth 1 -printf '%T@ %P\\n' | sort -k2", in: root).output
    }

    static func staged(_ root: TemporaryDirectory, _ extra: [String] = []) -> [String] {
        ["--root", root.path, "--no-chown", "--binary", PackagePaths.failoverdBinary] + extra
    }

    @Test("into an empty root: the files and modes; the installed example passes check-config; a rerun changes nothing")
    func freshRoot() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let first = try Self.install(Self.staged(root))
        #expect(first.status == 0, "\(first.output)")
        #expect(
            try Self.tree(root.path) == [
                "0755 etc", "0750 etc/failoverd", "0640 etc/failoverd/admin-token", "0640 etc/failoverd/failoverd.yml",
                "0640 etc/failoverd/read-token", "0640 etc/failoverd/webhook-token", "0755 etc/systemd",
                "0755 etc/systemd/system", "0644 etc/systemd/system/failoverd.service", "0755 usr", "0755 usr/local",
                "0755 usr/local/bin", "0755 usr/local/bin/failoverd", "0755 var", "0755 var/lib",
                "0750 var/lib/failoverd",
            ])
        #expect(first.output.contains("  installed /usr/local/bin/failoverd (0755)\n"), "\(first.output)")
        #expect(first.output.contains("  created /etc/failoverd/webhook-token (0640)\n"), "\(first.output)")
        #expect(first.output.contains("Next steps:"), "\(first.output)")
        #expect(first.output.contains("systemctl daemon-reload && systemctl enable --now failoverd"))

        let installed = root.file("usr/local/bin/failoverd")
        #expect(FileManager.default.contentsEqual(atPath: installed, andPath: PackagePaths.failoverdBinary))
        let example = try String(contentsOfFile: PackagePaths.root + "/deploy/failoverd.example.yml", encoding: .utf8)
        #expect(try String(contentsOfFile: root.file("etc/failoverd/failoverd.yml"), encoding: .utf8) == example)
        let unit = try String(contentsOfFile: PackagePaths.root + "/deploy/failoverd.service", encoding: .utf8)
        #expect(
            try String(contentsOfFile: root.file("etc/systemd/system/failoverd.service"), encoding: .utf8) == unit)
        for token in ["webhook-token", "read-token", "admin-token"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: root.file("etc/failoverd/\(token)"))).isEmpty)
        }

        // The example names its token files relative to itself, as they are installed; 0640 draws no warning.
        let config = root.file("etc/failoverd/failoverd.yml")
        let checked = try ShellCommand.runBlocking("'\(installed)' check-config --config.file '\(config)'")
        #expect(checked.status == 0, "\(checked.output)")
        #expect(checked.output.hasPrefix("\(config): SUCCESS: "), "\(checked.output)")
        #expect(
            checked.output.contains("storage /var/lib/failoverd/failoverd.db, webhook auth on"), "\(checked.output)")
        #expect(!checked.output.contains("warning"), "\(checked.output)")

        let times = try Self.modificationTimes(root.path)
        let second = try Self.install(Self.staged(root))
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("nothing changed: failoverd is installed as it should be"), "\(second.output)")
        #expect(second.output.contains("  kept /etc/failoverd/failoverd.yml (exists)\n"), "\(second.output)")
        #expect(try Self.modificationTimes(root.path) == times, "not a file was written")
    }

    @Test("existing configuration and token files are kept as they are; missing ones are created")
    func keepsOperatorFiles() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        try FileManager.default.createDirectory(atPath: root.file("etc/failoverd"), withIntermediateDirectories: true)
        try root.write("etc/failoverd/failoverd.yml", "server: {listen_address: 127.0.0.1:9999}\n", mode: 0o600)
        try root.write("etc/failoverd/webhook-token", "the-operators-token\n", mode: 0o640)
        let result = try Self.install(Self.staged(root))
        #expect(result.status == 0, "\(result.output)")
        #expect(
            try String(contentsOfFile: root.file("etc/failoverd/failoverd.yml"), encoding: .utf8)
                == "server: {listen_address: 127.0.0.1:9999}\n")
        #expect(
            try String(contentsOfFile: root.file("etc/failoverd/webhook-token"), encoding: .utf8)
                == "the-operators-token\n")
        let tree = try Self.tree(root.path)
        #expect(tree.contains("0600 etc/failoverd/failoverd.yml"), "the operator's mode too")
        #expect(tree.contains("0640 etc/failoverd/read-token"))
        #expect(tree.contains("0750 etc/failoverd"), "failoverd's own directory gets its mode")
        #expect(result.output.contains("  kept /etc/failoverd/webhook-token (exists)\n"), "\(result.output)")
        #expect(result.output.contains("  created /etc/failoverd/admin-token (0640)\n"), "\(result.output)")
    }

    @Test("--prefix moves the binary and the unit's ExecStart; a changed binary is replaced, the rest kept")
    func prefixAndUpgrade() throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let old = try root.write("old-failoverd", "#!/bin/sh\necho old\n", mode: 0o755)
        let first = try Self.install(["--root", root.path, "--no-chown", "--binary", old, "--prefix", "/opt/fo"])
        #expect(first.status == 0, "\(first.output)")
        let unit = try String(contentsOfFile: root.file("etc/systemd/system/failoverd.service"), encoding: .utf8)
        #expect(unit.contains("\nExecStart=/opt/fo/bin/failoverd serve --config.file /etc/failoverd/failoverd.yml\n"))
        #expect(!unit.contains("/usr/local/bin"))
        #expect(first.output.contains("/opt/fo/bin/failoverd check-config"), "next steps name the installed binary")

        let upgrade = try Self.install(Self.staged(root, ["--prefix", "/opt/fo"]))
        #expect(upgrade.status == 0, "\(upgrade.output)")
        #expect(upgrade.output.contains("  installed /opt/fo/bin/failoverd (0755)\n"), "\(upgrade.output)")
        #expect(upgrade.output.contains("  unchanged /etc/systemd/system/failoverd.service\n"), "\(upgrade.output)")
        #expect(upgrade.output.contains("1 change(s) made"), "\(upgrade.output)")
        #expect(
            FileManager.default.contentsEqual(
                atPath: root.file("opt/fo/bin/failoverd"), andPath: PackagePaths.failoverdBinary))
        #expect(try Self.tree(root.path).filter { $0.contains("opt/fo/bin/") } == ["0755 opt/fo/bin/failoverd"])
    }

    @Test(
        "bad options are refused with exit 2 and a clear message before anything is written",
        arguments: [
            (["--bogus"], "unknown option --bogus"),
            (["--root"], "--root needs a value"),
            (["--root", "/nonexistent/stage", "--no-chown"], "--root /nonexistent/stage is not a directory"),
            (["--binary", "/nonexistent/failoverd"], "--binary /nonexistent/failoverd is not an executable file"),
            (["--prefix", "usr/local"], "--prefix usr/local is not an absolute path"),
        ])
    func badOptions(arguments: [String], message: String) throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let given = arguments.first == "--root" ? arguments : ["--root", root.path, "--no-chown"] + arguments
        let result = try Self.install(given)
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("install.sh: \(message)\n"), "\(result.output)")
        #expect(try Self.tree(root.path).isEmpty)
    }

    @Test(
        "the real root needs root and owners; staging with owners needs root too (run as nobody: nothing can change)",
        arguments: [
            ([String](), "installing on this system needs root (or stage with --root DIR --no-chown)"),
            (["--no-chown"], "--no-chown is for staging: give --root DIR as well"),
            (["--root", "STAGE"], "setting owners needs root: add --no-chown to stage as nobody"),
        ])
    func privileges(arguments: [String], message: String) throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let given = arguments.map { $0 == "STAGE" ? root.path : $0 } + ["--binary", PackagePaths.failoverdBinary]
        let result = try Self.install(given, as: "nobody")
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("install.sh: \(message)\n"), "\(result.output)")
        #expect(try Self.tree(root.path).isEmpty)
    }

    @Test(
        "shellcheck finds nothing in any shell script of the repository (install, benchmarks, campaigns, checks)",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/shellcheck"), "needs shellcheck"))
    func shellcheck() throws {
        let (status, output) = try ShellCommand.runBlocking(
            "cd '\(PackagePaths.root)' && shellcheck '\(Self.script)' $(git ls-files '*.sh' 2>/dev/null || ls */*.sh)")
        #expect(status == 0, "\(output)")
    }
}
