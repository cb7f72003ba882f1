import FailoverConfig
import FailoverCore
import Foundation
import Testing

/// The modes of the configuration file and the secret files it names, as `failoverd serve` checks them at start.
@Suite("File permission check")
struct FilePermissionCheckTests {
    /// A fresh directory, removed by the caller.
    static func makeDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "failoverd-modes-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Writes `text` into `directory/name` with permission bits `mode` and returns the path.
    @discardableResult
    static func write(_ directory: String, _ name: String, _ text: String = "secret\n", mode: Int) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test(
        "owner-only and group-readable are fine; anything for others and writing by the group is not",
        arguments: [
            (0o600, nil), (0o640, nil), (0o400, nil), (0o440, nil),
            (0o644, "mode 0644, readable by others: run chmod 0640"),
            (0o666, "mode 0666, readable by others, writable by group and others: run chmod 0640"),
            (0o604, "mode 0604, readable by others: run chmod 0600"),
            (0o620, "mode 0620, writable by group: run chmod 0600"),
            (0o602, "mode 0602, writable by others: run chmod 0600"),
            (0o601, "mode 0601, executable by others: run chmod 0600"),
        ] as [(Int, String?)])
    func modes(mode: Int, expected: String?) throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try Self.write(directory, "token", mode: mode)
        let problem = FilePermissionCheck.problem(path: path, setting: "server.auth.webhook.bearer_token_file")
        guard let expected else {
            #expect(problem == nil)
            return
        }
        let found = try #require(problem)
        #expect(found.mode == UInt16(mode))
        #expect(
            found.description
                == "secret file \(path) (server.auth.webhook.bearer_token_file) has \(expected) \(path)")
    }

    @Test(
        "group-readable is fine only for the service's own group: another group reading a secret is a problem",
        .enabled(if: getuid() == 0, "changing a file's group needs root"))
    func foreignGroup() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try Self.write(directory, "token", mode: 0o640)
        #expect(FilePermissionCheck.problem(path: path, setting: "s") == nil)
        let other = getegid() == 65_534 ? gid_t(65_533) : gid_t(65_534)
        try #require(chown(path, getuid(), other) == 0)
        let found = try #require(FilePermissionCheck.problem(path: path, setting: "s"))
        #expect(
            found.description
                == "secret file \(path) (s) has mode 0640, readable by group \(other), which is not the service's: "
                + "run chmod 0600 \(path)")
        try #require(chmod(path, 0o600) == 0)
        #expect(FilePermissionCheck.problem(path: path, setting: "s") == nil)
    }

    @Test("a file that cannot be examined is left to the loader")
    func missingFile() {
        #expect(FilePermissionCheck.problem(path: "/nonexistent/failoverd/token", setting: "x") == nil)
    }

    @Test("every *_file setting is checked, named by its setting; the configuration file first; each file once")
    func everySecretFile() throws {
        let directory = try Self.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in [
            "webhook-token", "webhook-password", "read-token", "admin-token", "linode-token", "slack-url",
            "auth-header", "nested-url", "failback-url",
        ] {
            try Self.write(directory, name, mode: 0o644)
        }
        try Self.write(directory, "audit-signing.pem", AuditSigningKey.generate().pemRepresentation, mode: 0o644)
        try Self.write(directory, "fine-token", mode: 0o600)
        let config = try Self.write(
            directory, "failoverd.yml",
            """
            server:
              auth:
                webhook:
                  bearer_token_file: webhook-token
                  basic_auth: {username: am, password_file: webhook-password}
                read: {bearer_token_file: read-token}
                admin: {bearer_token_file: admin-token}
            providers:
              linode-main: {type: linode, token_file: linode-token}
              do-main: {type: digitalocean, token_file: fine-token}
              do-other: {type: digitalocean, token_file: linode-token}
            runbooks:
              app:
                match: ['alertname="Down"']
                steps:
                  - http: {url_file: slack-url, header_files: {Authorization: auth-header}}
                  - parallel:
                      - wait: 1s
                      - http: {url_file: nested-url}
                failback:
                  mode: manual
                  steps:
                    - http: {url_file: failback-url}
            audit:
              signing_key_file: audit-signing.pem
            """, mode: 0o664)
        let configuration = try ConfigurationLoader.load(path: config)
        let problems = FilePermissionCheck.problems(configurationFile: config, configuration: configuration)
        #expect(
            problems.map(\.setting) == [
                "", "server.auth.webhook.bearer_token_file", "server.auth.webhook.basic_auth.password_file",
                "server.auth.read.bearer_token_file", "server.auth.admin.bearer_token_file",
                "providers.linode-main.token_file", "runbooks.app.steps[0].http.url_file",
                "runbooks.app.steps[0].http.header_files.Authorization",
                "runbooks.app.steps[1].parallel[1].http.url_file", "runbooks.app.failback.steps[0].http.url_file",
                "audit.signing_key_file",
            ])
        #expect(
            problems.first?.description
                == "configuration file \(config) has mode 0664, readable by others, writable by group: run chmod "
                + "0640 \(config)")
        #expect(problems.first?.warning.path == "")
        #expect(problems[1].warning.path == "server.auth.webhook.bearer_token_file")
        #expect(problems.allSatisfy { !$0.description.contains("secret\n") })

        for name in ["failoverd.yml", "webhook-token", "webhook-password", "read-token", "admin-token"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: directory + "/" + name)
        }
        for name in ["linode-token", "slack-url", "auth-header", "nested-url", "failback-url", "audit-signing.pem"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: directory + "/" + name)
        }
        #expect(FilePermissionCheck.problems(configurationFile: config, configuration: configuration).isEmpty)
    }

    @Test("without a configuration file, and with secrets from the environment, there is nothing to check")
    func nothingToCheck() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: "server: {auth: {webhook: {bearer_token_env: TOKEN}}}", source: "inline.yml")
        #expect(FilePermissionCheck.problems(configurationFile: nil, configuration: configuration).isEmpty)
    }
}
