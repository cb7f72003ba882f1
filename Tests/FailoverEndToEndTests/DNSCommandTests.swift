import FailoverTestSupport
import Foundation
import Logging
import Testing

/// `failoverd dns get|set`, run as a binary against the fake providers.
@Suite("failoverd dns against the fake providers", .serialized)
struct DNSCommandTests {
    static func withFake(
        _ flavor: FakeDNSProviderServer.Flavor,
        _ body: (FakeDNSProviderServer, String, [String: String]) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fake = FakeDNSProviderServer(
            flavor: flavor, token: "cli-token",
            logger: Logger(label: "fake", factory: { _ in SwiftLogNoOpLogHandler() }))
        try fake.start()
        let type = flavor == .linode ? "linode" : "digitalocean"
        let config = try directory.write(
            "failoverd.yml",
            """
            storage:
              path: \(directory.file("data/failoverd.db"))
            providers:
              main:
                type: \(type)
                token_env: CLI_DNS_TOKEN
                base_url: \(fake.baseURL)
                max_attempts: 2
            """)
        do {
            // dns set records into an existing database only: the one failoverd serve creates.
            let serve = try await ServeProcess(directory: directory)
            await serve.process.stop()
            try await body(fake, config, ["CLI_DNS_TOKEN": "cli-token", "USER": "operator"])
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    @Test("get, dry run, set, and set again (a no-op)", arguments: FakeDNSProviderServer.Flavor.allCases)
    func getAndSet(flavor: FakeDNSProviderServer.Flavor) async throws {
        try await Self.withFake(flavor) { fake, config, environment in
            _ = fake.addZone("example.com")
            fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.10", ttl: 300)
            let common = ["--config.file", config, "--provider", "main", "--zone", "example.com", "--name", "app"]

            let get = try await runFailoverd(["dns", "get"] + common + ["--type", "A"], environment: environment)
            #expect(get.status == 0, "\(get.output)")
            #expect(get.output.contains("app.example.com A: 192.0.2.10 ttl=300"))

            let dryRun = try await runFailoverd(
                ["dns", "set"] + common + ["--target", "198.51.100.5", "--ttl", "300", "--dry-run"],
                environment: environment)
            #expect(dryRun.status == 0, "\(dryRun.output)")
            #expect(fake.writeRequestCount == 0)
            #expect(fake.records(zone: "example.com", name: "app").map(\.target) == ["192.0.2.10"])

            let set = try await runFailoverd(
                ["dns", "set"] + common + ["--target", "198.51.100.5", "--ttl", "300"], environment: environment)
            #expect(set.status == 0, "\(set.output)")
            #expect(fake.records(zone: "example.com", name: "app").map(\.target) == ["198.51.100.5"])

            let audit = try await runFailoverd(
                ["audit", "query", "--config.file", config, "--type", "manual.action", "--output", "json"])
            #expect(audit.status == 0, "\(audit.output)")
            #expect(audit.output.contains(#""actor":"cli:operator""#))
            #expect(audit.output.contains(#""target":"198.51.100.5""#))
            #expect(audit.output.contains(#""target":"192.0.2.10""#), "the record before the change")
            #expect(!audit.output.contains("cli-token"))

            fake.resetRequestLog()
            let again = try await runFailoverd(
                ["dns", "set"] + common + ["--target", "198.51.100.5", "--ttl", "300"], environment: environment)
            #expect(again.status == 0, "\(again.output)")
            #expect(fake.writeRequestCount == 0, "already in state: nothing written")
        }
    }

    @Test("a wrong token, an unknown account and an unknown zone are clear errors with exit 1")
    func errors() async throws {
        try await Self.withFake(.digitalOcean) { fake, config, _ in
            _ = fake.addZone("example.com")
            let common = ["--config.file", config, "--zone", "example.com", "--name", "app"]
            let badToken = try await runFailoverd(
                ["dns", "get", "--provider", "main"] + common, environment: ["CLI_DNS_TOKEN": "wrong-token"])
            #expect(badToken.status == 1)
            #expect(!badToken.output.contains("wrong-token"), "the token never appears in output")
            #expect(badToken.output.lowercased().contains("token"), "\(badToken.output)")

            let unknownAccount = try await runFailoverd(
                ["dns", "get", "--provider", "nope"] + common, environment: ["CLI_DNS_TOKEN": "cli-token"])
            #expect(unknownAccount.status == 1)
            #expect(unknownAccount.output.contains("no provider account \"nope\""))
            #expect(unknownAccount.output.contains("configured: main"))

            let unknownZone = try await runFailoverd(
                [
                    "dns", "get", "--provider", "main", "--config.file", config, "--zone", "missing.example", "--name",
                    "app",
                ],
                environment: ["CLI_DNS_TOKEN": "cli-token"])
            #expect(unknownZone.status == 1)
            #expect(unknownZone.output.contains("missing.example"), "\(unknownZone.output)")

            let missingToken = try await runFailoverd(["dns", "get", "--provider", "main"] + common, environment: [:])
            #expect(missingToken.status == 1)
            #expect(missingToken.output.contains("secret environment variable CLI_DNS_TOKEN is not set"))
        }
    }

    @Test("set refuses to run without a target or with a bad TTL")
    func validation() async throws {
        let noTarget = try await runFailoverd(
            ["dns", "set", "--config.file", "x.yml", "--provider", "p", "--zone", "z", "--name", "n", "--ttl", "30"])
        #expect(noTarget.status == 64)
        #expect(noTarget.output.contains("give at least one --target"))
        let badTTL = try await runFailoverd(
            [
                "dns", "set", "--config.file", "x.yml", "--provider", "p", "--zone", "z", "--name", "n", "--target",
                "1.2.3.4",
                "--ttl", "0",
            ])
        #expect(badTTL.status == 64)
        #expect(badTTL.output.contains("--ttl must be a positive number of seconds"))
    }
}
