import FailoverConfig
import FailoverCore
import FailoverService
import FailoverTestSupport
import Foundation
import GRDB
import Testing

@Suite("TLS and mutual TLS on the listener", .serialized)
struct TLSListenerTests {
    static let environment = ["HOOK_TOKEN": "tls-hook-token-3318"]

    /// A service over TLS with certificates made for this test; `mutual` trusts the test CA for client certificates.
    static func fixture(_ certificates: TestCertificates, mutual: Bool) throws -> ServiceFixture {
        try ServiceFixture(
            auth: CredentialSettings(bearerToken: .environment("HOOK_TOKEN")), environment: environment,
            configure: { configuration in
                configuration.server.tls = TLSSettings(
                    certificateFile: certificates.serverCertificate, keyFile: certificates.serverKey,
                    clientCAFile: mutual ? certificates.caCertificate : nil)
            })
    }

    /// curl's status code for `path` (000 when no HTTP answer came), with `arguments` added.
    static func curl(
        _ port: UInt16, _ path: String, _ arguments: String
    ) async throws -> (code: String, output: String) {
        let result = try await BlockingCall.run {
            try ShellCommand.runBlocking(
                "curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \(arguments) https://127.0.0.1:\(port)\(path)")
        }
        return (String(result.output.suffix(3)), result.output)
    }

    @Test("curl gets answers over TLS, and a plain-HTTP request to the TLS port is closed without harm")
    func servesTLS() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificates = try await BlockingCall.run { try TestCertificates(in: directory.path) }
        let fixture = try Self.fixture(certificates, mutual: false)
        let ca = "--cacert '\(certificates.caCertificate)'"
        let first = try await Self.curl(fixture.port, "/-/healthy", ca)
        #expect(first.code == "200", "\(first.output) \(fixture.logs.all.map(\.message))")
        #expect(try await Self.curl(fixture.port, "/webhook", ca + " -X POST").code == "401")
        // An unknown CA: curl refuses the server, no answer.
        let unknownCA = "--cacert '\(certificates.strangerCertificate)'"
        #expect(try await Self.curl(fixture.port, "/-/healthy", unknownCA).code == "000")

        let plain = try TestHTTPConnection(port: fixture.port, timeout: .seconds(10))
        try plain.sendRaw(Array("GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        try await PollingDeadline.wait(for: "the plain-HTTP connection to be closed", within: .seconds(60)) {
            try await BlockingCall.run { plain.isClosedByServer(waiting: .milliseconds(100)) } ? true : nil
        }
        #expect(try await Self.curl(fixture.port, "/-/healthy", ca).code == "200")
        await fixture.stop()
    }

    @Test("with a client CA, only a client certificate it signed gets in")
    func mutualTLS() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificates = try await BlockingCall.run { try TestCertificates(in: directory.path) }
        let fixture = try Self.fixture(certificates, mutual: true)
        let ca = "--cacert '\(certificates.caCertificate)'"
        let client = "\(ca) --cert '\(certificates.clientCertificate)' --key '\(certificates.clientKey)'"
        let stranger = "\(ca) --cert '\(certificates.strangerCertificate)' --key '\(certificates.strangerKey)'"
        #expect(try await Self.curl(fixture.port, "/-/healthy", client).code == "200")
        #expect(try await Self.curl(fixture.port, "/-/healthy", ca).code == "403")
        #expect(try await Self.curl(fixture.port, "/-/healthy", stranger).code == "403")
        // The refusal comes before the body and before the credential: a stranger's webhook is never read.
        let webhook = "\(stranger) -X POST -H 'Authorization: Bearer tls-hook-token-3318' --data-binary '{}'"
        #expect(try await Self.curl(fixture.port, "/webhook", webhook).code == "403")
        let metrics = try await BlockingCall.run {
            try ShellCommand.runBlocking("curl -sS --max-time 10 \(client) https://127.0.0.1:\(fixture.port)/metrics")
        }
        #expect(metrics.output.contains(#"failoverd_http_limit_refusals_total{limit="client_certificate"} 3"#))
        await fixture.stop()
    }

    @Test(
        "a real Alertmanager delivers its webhook over TLS and over mutual TLS, and failoverd stores it",
        arguments: [false, true])
    func alertmanager(mutual: Bool) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificates = try await BlockingCall.run { try TestCertificates(in: directory.path) }
        let fixture = try Self.fixture(certificates, mutual: mutual)
        let tokenFile = try directory.write("hook-token", "tls-hook-token-3318")
        let settings = AlertmanagerSettings(
            webhookURL: "https://127.0.0.1:\(fixture.port)/webhook", bearerCredentialsFile: tokenFile,
            tlsConfig: (
                caFile: certificates.caCertificate, certFile: mutual ? certificates.clientCertificate : nil,
                keyFile: mutual ? certificates.clientKey : nil
            ))
        do {
            try await AlertmanagerProcess.run(settings: settings, in: directory) { alertmanager in
                let now = Timestamp.wallClock()
                try await alertmanager.postAlerts([
                    .firing("RegionDown", startsAt: now, endsAt: now.adding(.seconds(600)))
                ])
                try await PollingDeadline.wait(for: "the webhook to be stored", within: .seconds(30)) {
                    try fixture.count("deliveries") > 0 ? true : nil
                }
            }
        } catch {
            await fixture.stop()
            throw error
        }
        let authenticatedAs = try await ExternalConnection.open(fixture.databasePath).read { db in
            try String.fetchOne(db, sql: "SELECT authenticated_as FROM deliveries")
        }
        #expect(authenticatedAs == "bearer")
        await fixture.stop()
    }

    @Test("a reload that changes server.tls is refused, and says a restart is needed")
    func reloadRefusesTLSChange() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let certificates = try await BlockingCall.run { try TestCertificates(in: directory.path) }
        let changed = SharedValue<FailoverConfiguration?>(nil)
        let fixture = try ServiceFixture(reloadSource: { changed.value! })
        var next = fixture.configuration
        next.server.tls = TLSSettings(certificateFile: certificates.serverCertificate, keyFile: certificates.serverKey)
        changed.value = next
        let outcome = await fixture.service.reload(trigger: "api", requestedBy: "test")
        #expect(!outcome.succeeded)
        #expect(outcome.error?.hasPrefix("server.tls changed: the listener's certificate, key and client CA") == true)
        #expect(try await fixture.get("/-/healthy").status == 200)
        await fixture.stop()
    }
}
