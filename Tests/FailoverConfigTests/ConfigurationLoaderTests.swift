import FailoverConfig
import FailoverCore
import Foundation
import Testing

@Suite("Configuration loading")
struct ConfigurationLoaderTests {
    @Test("an empty file gives the embedded defaults")
    func emptyFile() throws {
        let configuration = try ConfigurationLoader.parse(yaml: "", source: "empty.yml")
        #expect(configuration == .defaults)
        #expect(configuration.server.listenAddress == ListenAddress(host: "127.0.0.1", port: 9095))
        #expect(configuration.storage.path == "data/failoverd.db")
        #expect(configuration.server.maxRequestBodyBytes == 1 << 20)
        #expect(!configuration.server.auth.webhook.isConfigured)
    }

    @Test("every setting is read")
    func fullFile() throws {
        let directory = NSTemporaryDirectory() + "failoverd-config-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "s3cret\n".write(toFile: directory + "/token", atomically: false, encoding: .utf8)
        try AuditSigningKey.generate().pemRepresentation.write(
            toFile: directory + "/audit.pem", atomically: false, encoding: .utf8)
        let yaml = """
            server:
              listen_address: "[::1]:9999"
              max_request_body_size: 512KiB
              max_connections: 64
              connection_timeout: 1m30s
              auth:
                webhook:
                  bearer_token_file: token
                  basic_auth:
                    username: alertmanager
                    password_env: AM_PASSWORD
                read:
                  bearer_token_env: READ_TOKEN
            storage:
              path: /var/lib/failoverd/state.db
              busy_timeout: 250ms
            ingest:
              max_batch_size: 64
              max_pending: 100
            retention:
              delivery_bodies: 7d
              audit_events: forever
              interval: 10m
            providers:
              linode-main:
                type: linode
                token_file: token
              do-main:
                type: digitalocean
                token_env: DO_TOKEN
                base_url: http://127.0.0.1:8080/
                request_timeout: 10s
                max_attempts: 3
            audit:
              signing_key_file: audit.pem
              signing_interval: 5m
            """
        let configuration = try ConfigurationLoader.parse(yaml: yaml, source: "full.yml", baseDirectory: directory)
        #expect(
            configuration.audit
                == AuditSettings(signingKeyFile: directory + "/audit.pem", signingInterval: .seconds(300)))
        #expect(configuration.server.listenAddress == ListenAddress(host: "::1", port: 9999))
        #expect(configuration.server.maxRequestBodyBytes == 512 * 1024)
        #expect(configuration.server.maxConnections == 64)
        #expect(configuration.server.connectionTimeout == .seconds(90))
        #expect(configuration.server.auth.webhook.bearerToken == .file(directory + "/token"))
        #expect(
            configuration.server.auth.webhook.basicAuth
                == BasicAuthSettings(username: "alertmanager", password: .environment("AM_PASSWORD")))
        #expect(
            configuration.storage
                == StorageSettings(path: "/var/lib/failoverd/state.db", busyTimeout: .milliseconds(250)))
        #expect(configuration.ingest == IngestSettings(maxBatchSize: 64, maxPending: 100))
        #expect(
            configuration.retention
                == RetentionSettings(deliveryBodies: .seconds(7 * 86_400), auditEvents: nil, interval: .seconds(600)))
        #expect(configuration.providers.map(\.name) == ["linode-main", "do-main"])
        let linode = try #require(configuration.provider(named: "linode-main"))
        #expect(linode.kind == .linode)
        #expect(linode.baseURL == "https://api.linode.com/v4")
        let digitalOcean = try #require(configuration.provider(named: "do-main"))
        #expect(digitalOcean.token == .environment("DO_TOKEN"))
        #expect(digitalOcean.baseURL == "http://127.0.0.1:8080")
        #expect(digitalOcean.requestTimeout == .seconds(10))
        #expect(digitalOcean.maxAttempts == 3)
    }

    @Test("every problem is reported with its line and column, not just the first")
    func allProblemsWithLocations() throws {
        let yaml = """
            server:
              listen_address: nowhere
              max_connections: lots
              auth:
                webhook:
                  bearer_token: plaintext
            storage:
              busy_timeout: 5 seconds
            colour: blue
            providers:
              bad name:
                type: route53
                token_env: "1NVALID"
              nothing:
                base_url: ftp://example.com
            """
        #expect {
            try ConfigurationLoader.parse(yaml: yaml, source: "bad.yml")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            let lines = error.problems.map(\.description)
            let expected = [
                "2:19: server.listen_address: \"nowhere\" is not HOST:PORT (for example 127.0.0.1:9095 or [::1]:9095)",
                "3:20: server.max_connections: expected an integer",
                "6:21: server.auth.webhook.bearer_token: secrets never sit in the configuration file: use bearer_token_file or bearer_token_env",
                "8:17: storage.busy_timeout: \"5 seconds\" is not a duration (for example 500ms, 30s, 5m, 1h)",
                "9:9: colour: unknown setting",
                "12:5: providers.bad name: provider names use letters, digits, '-' and '_' only",
                "12:11: providers.bad name.type: unknown provider type \"route53\"; known types: linode, digitalocean",
                "13:16: providers.bad name.token_env: \"1NVALID\" is not an environment variable name",
                "15:15: providers.nothing.base_url: \"ftp://example.com\" is not an http:// or https:// URL",
                "15:5: providers.nothing.type: required",
            ]
            #expect(lines == expected)
            #expect(error.description.hasPrefix("bad.yml:2:19: server.listen_address"))
            return true
        }
    }

    @Test(
        "single mistakes",
        arguments: [
            ("server: [1, 2]", "1:9: server: expected a mapping"),
            (
                "server:\n  max_request_body_size: 1KB",
                "2:26: server.max_request_body_size: 1KB is smaller than the minimum of 1024 bytes"
            ),
            ("server:\n  max_connections: 0", "2:20: server.max_connections: 0 is out of range 1...65536"),
            ("storage:\n  path: ''", "2:9: storage.path: must not be empty"),
            (
                "server:\n  auth:\n    webhook:\n      bearer_token_file: /nonexistent/token",
                "4:26: server.auth.webhook.bearer_token_file: cannot read /nonexistent/token"
            ),
            (
                "server:\n  auth:\n    webhook:\n      basic_auth:\n        username: u",
                "5:9: server.auth.webhook.basic_auth: password_file or password_env is required"
            ),
            (
                "server:\n  auth:\n    webhook:\n      basic_auth:\n        username: u\n        password: p",
                "6:19: server.auth.webhook.basic_auth.password: secrets never sit in the configuration file: use password_file or password_env"
            ),
            (
                "providers:\n  p:\n    type: linode\n    token: abc",
                "4:12: providers.p.token: secrets never sit in the configuration file: use token_file or token_env"
            ),
            (
                "providers:\n  p:\n    type: linode\n    token_env: A\n    token_file: /etc/hostname",
                "3:5: providers.p: set token_file or token_env, not both"
            ),
            ("storage:\n  path: a\n  path: b", "2:3: duplicate key \"path\" in this mapping"),
            (
                "retention:\n  audit_events: 2h",
                "2:17: retention.audit_events: 2h is shorter than the minimum of 86400.0 seconds"
            ),
            (
                "audit:\n  signing_interval: 500ms",
                "2:21: audit.signing_interval: 500ms is shorter than the minimum of 1.0 seconds"
            ),
            (
                "audit:\n  signing_key_file: /no/such/key.pem",
                "2:21: audit.signing_key_file: cannot read /no/such/key.pem"
            ),
            ("audit:\n  signing_key: x", "2:16: audit.signing_key: unknown setting"),
            (
                "audit:\n  signing_key_file: /etc/hostname",
                "2:21: audit.signing_key_file: /etc/hostname: not a PEM file with a \"PRIVATE KEY\" block "
                    + "(as openssl writes it)"
            ),
            ("server:\n  listen_address: [a", "3:1: invalid YAML: did not find expected ',' or ']'"),
        ])
    func singleMistake(yaml: String, expected: String) {
        #expect {
            try ConfigurationLoader.parse(yaml: yaml, source: "x.yml")
        } throws: { error in
            let problems = (error as? ConfigurationError)?.problems.map(\.description) ?? []
            #expect(problems == [expected])
            return problems == [expected]
        }
    }

    @Test("a missing file is reported as unreadable")
    func missingFile() {
        #expect {
            try ConfigurationLoader.load(path: "/nonexistent/failoverd.yml")
        } throws: { error in
            (error as? ConfigurationError)?.description.hasPrefix("/nonexistent/failoverd.yml:cannot read") == true
        }
    }
}

@Suite("Value notations")
struct ConfigurationValueParsingTests {
    @Test(
        "durations",
        arguments: [
            ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)),
            ("1h30m", .seconds(5400)),
            ("2d", .seconds(172_800)), ("1m500ms", .milliseconds(60_500)),
        ])
    func durations(text: String, expected: Duration) {
        #expect(ConfigurationValueParsing.duration(text) == expected)
    }

    @Test("bad durations", arguments: ["", "5", "s", "5 s", "-5s", "1.5s", "5x"])
    func badDurations(text: String) {
        #expect(ConfigurationValueParsing.duration(text) == nil)
    }

    @Test(
        "sizes",
        arguments: [
            ("1048576", 1_048_576), ("512KiB", 524_288), ("1MiB", 1_048_576), ("1MB", 1_000_000),
            ("2GiB", 2_147_483_648), ("10 B", 10),
        ])
    func sizes(text: String, expected: Int) {
        #expect(ConfigurationValueParsing.byteSize(text) == expected)
    }

    @Test("bad sizes", arguments: ["", "MiB", "1.5MiB", "1TiB", "-1"])
    func badSizes(text: String) {
        #expect(ConfigurationValueParsing.byteSize(text) == nil)
    }

    @Test(
        "listen addresses",
        arguments: [
            ("127.0.0.1:9095", ListenAddress(host: "127.0.0.1", port: 9095)),
            ("[::1]:80", ListenAddress(host: "::1", port: 80)),
            (":9095", ListenAddress(host: "", port: 9095)), ("localhost:0", ListenAddress(host: "localhost", port: 0)),
        ])
    func listenAddresses(text: String, expected: ListenAddress) {
        #expect(ListenAddress(parsing: text) == expected)
    }

    @Test("bad listen addresses", arguments: ["9095", "host:", "host:99999", "::1:80", "[::1]80", "h:p"])
    func badListenAddresses(text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }
}

@Suite("Secret resolution")
struct SecretResolverTests {
    @Test("reads environment variables and files, trimmed; errors never show the value")
    func resolves() throws {
        let resolver = SecretResolver(environment: ["TOKEN": "  abc\n", "EMPTY": ""])
        #expect(try resolver.resolve(.environment("TOKEN")) == "abc")
        #expect(throws: SecretResolutionError.self) { try resolver.resolve(.environment("MISSING")) }
        #expect(throws: SecretResolutionError.self) { try resolver.resolve(.environment("EMPTY")) }
        #expect(throws: SecretResolutionError.self) { try resolver.resolve(.file("/nonexistent/secret")) }
        let path = NSTemporaryDirectory() + "failoverd-secret-\(UUID().uuidString.prefix(6))"
        try "token-value\n".write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try resolver.resolve(.file(path)) == "token-value")
        do {
            _ = try resolver.resolve(.environment("EMPTY"))
        } catch {
            #expect(error.message == "secret environment variable EMPTY is empty")
        }
    }
}
