import FailoverTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `failoverd serve` refuses a configuration or secret file that others may read, unless told to go on;
/// `check-config` says the same as a warning.
@Suite("failoverd and the modes of its files", .serialized)
struct FilePermissionTests {
    /// A configuration (0600) naming a webhook token file with `tokenMode`.
    static func configuration(
        in directory: TemporaryDirectory, tokenMode: Int
    ) throws -> (config: String, token: String) {
        let token = try directory.write("webhook-token", "webhook-secret\n", mode: tokenMode)
        let config = try directory.write(
            "failoverd.yml",
            """
            server:
              auth:
                webhook: {bearer_token_file: webhook-token}
            """)
        return (config, token)
    }

    /// Runs `failoverd serve` on `config` and expects it to refuse to start (it is stopped if it starts).
    static func serve(
        _ config: String, in directory: TemporaryDirectory
    ) async throws -> (status: Int32, output: String) {
        let result = try await runFailoverd([
            "serve", "--config.file", config, "--web.listen-address", "127.0.0.1:\(try FreePort.next())",
            "--storage.path", directory.file("data/failoverd.db"),
        ])
        #expect(result.status == 1, "\(result.output)")
        return result
    }

    @Test("serve refuses a token file readable by others, naming it, its mode and the chmod to run")
    func refused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (config, token) = try Self.configuration(in: directory, tokenMode: 0o644)
        let result = try await Self.serve(config, in: directory)
        #expect(
            result.output.contains(
                "cannot start: secret file \(token) (server.auth.webhook.bearer_token_file) has mode 0644, readable "
                    + "by others: run chmod 0640 \(token)"),
            "\(result.output)")
        #expect(!result.output.contains("webhook-secret"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("data/failoverd.db")), "it stopped before")

        let checked = try await runFailoverd(["check-config", "--config.file", config])
        #expect(checked.status == 0, "\(checked.output)")
        #expect(checked.output.contains("webhook auth on, 0 provider accounts, 1 warning\n"), "\(checked.output)")
        #expect(
            checked.output.contains(
                "  \(config): server.auth.webhook.bearer_token_file: warning: secret file \(token) "
                    + "(server.auth.webhook.bearer_token_file) has mode 0644"),
            "\(checked.output)")
    }

    @Test("serve refuses a configuration file writable by others")
    func configurationFileRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (config, _) = try Self.configuration(in: directory, tokenMode: 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o662], ofItemAtPath: config)
        let result = try await Self.serve(config, in: directory)
        #expect(
            result.output.contains(
                "cannot start: configuration file \(config) has mode 0662, writable by group and others: run "
                    + "chmod 0640 \(config)"),
            "\(result.output)")
    }

    @Test("with --config.allow-insecure-permissions serve starts and warns; a group-readable file needs no flag")
    func allowed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (config, token) = try Self.configuration(in: directory, tokenMode: 0o644)
        let serve = try await ServeProcess(
            directory: directory, extraArguments: ["--config.file", config, "--config.allow-insecure-permissions"])
        defer { serve.process.signal(SIGKILL) }
        let warning = "secret file \(token) (server.auth.webhook.bearer_token_file) has mode 0644"
        #expect(serve.process.output.contains(warning), "\(serve.process.output)")
        await serve.process.stop()
        #expect(await serve.process.waitForExit() == 0)

        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: token)
        let fine = try await ServeProcess(directory: directory, extraArguments: ["--config.file", config])
        defer { fine.process.signal(SIGKILL) }
        #expect(!fine.process.output.contains("has mode"), "\(fine.process.output)")
        await fine.process.stop()
    }
}
