import FailoverConfig
import FailoverService
import FailoverTestSupport
import Foundation
import Testing

@Suite("Webhook authentication")
struct AuthTests {
    static let environment = ["HOOK_TOKEN": "t0ken-value", "HOOK_PASSWORD": "pa:ss"]
    static let bothSchemes = CredentialSettings(
        bearerToken: .environment("HOOK_TOKEN"),
        basicAuth: BasicAuthSettings(username: "alertmanager", password: .environment("HOOK_PASSWORD")))

    static func basic(_ user: String, _ password: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    }

    @Test(
        "wrong or missing credentials get 401 with a challenge, and nothing is stored",
        arguments: [
            ([], "authentication required: send a bearer token or basic auth"),
            ([("Authorization", "Bearer wrong")], "invalid credentials"),
            ([("Authorization", "Bearer t0ken-valu")], "invalid credentials"),
            ([("Authorization", "Bearer t0ken-value2")], "invalid credentials"),
            ([basic("alertmanager", "wrong")], "invalid credentials"),
            ([basic("someone", "pa:ss")], "invalid credentials"),
            ([("Authorization", "Basic !!notbase64")], "invalid credentials"),
            (
                [("Authorization", "Digest x")],
                "unsupported authorization scheme (expected \"Authorization: SCHEME CREDENTIALS\"): send a bearer token or basic auth"
            ),
        ] as [([(String, String)], String)])
    func refused(headers: [(String, String)], message: String) async throws {
        let fixture = try ServiceFixture(auth: Self.bothSchemes, environment: Self.environment)
        let response = try await fixture.post(try captured("single-firing"), headers: headers)
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate") == #"Bearer realm="failoverd", Basic realm="failoverd""#)
        #expect(try response.json()["message"] as? String == message)
        #expect(try fixture.count("deliveries") == 0)
        #expect(!fixture.logs.all.contains { $0.message.contains("t0ken-value") || $0.message.contains("pa:ss") })
        await fixture.stop()
    }

    @Test(
        "either configured credential admits, and the delivery records which",
        arguments: [
            ([("Authorization", "Bearer t0ken-value")], "bearer"),
            ([("authorization", "bearer t0ken-value")], "bearer"),
            ([basic("alertmanager", "pa:ss")], "basic:alertmanager"),
        ] as [([(String, String)], String)])
    func admitted(headers: [(String, String)], who: String) async throws {
        let fixture = try ServiceFixture(auth: Self.bothSchemes, environment: Self.environment)
        #expect(try await fixture.post(try captured("single-firing"), headers: headers).status == 200)
        let deliveries = try await fixture.get("/api/v1/deliveries").json()["deliveries"] as? [[String: Any]]
        #expect(deliveries?.first?["authenticatedAs"] as? String == who)
        await fixture.stop()
    }

    @Test("a bearer-only configuration challenges with Bearer only and refuses basic auth")
    func bearerOnly() async throws {
        let fixture = try ServiceFixture(
            auth: CredentialSettings(bearerToken: .environment("HOOK_TOKEN")), environment: Self.environment)
        let response = try await fixture.post(try captured("single-firing"), headers: [Self.basic("a", "b")])
        #expect(response.status == 401)
        #expect(response.header("WWW-Authenticate") == #"Bearer realm="failoverd""#)
        await fixture.stop()
    }

    @Test("no credentials configured: open, with a warning at start")
    func open() async throws {
        let fixture = try ServiceFixture()
        #expect(try await fixture.post(try captured("single-firing")).status == 200)
        #expect(fixture.logs.all.contains { $0.level == .warning && $0.message.contains("unauthenticated") })
        await fixture.stop()
    }

    @Test("a configured secret that cannot be read stops the start with a clear error")
    func missingSecret() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = FailoverConfiguration.defaults
        configuration.server.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.storage.path = directory.file("x.db")
        configuration.server.auth.webhook = CredentialSettings(bearerToken: .environment("NOT_SET_ANYWHERE"))
        let (logger, _) = InMemoryLogHandler.logger()
        #expect {
            _ = try FailoverService(
                configuration: configuration, logger: logger, secrets: SecretResolver(environment: [:]))
        } throws: { error in
            (error as? ServiceError)?.message
                == "server.auth.webhook: secret environment variable NOT_SET_ANYWHERE is not set"
        }
    }
}

@Suite("Service start-up failures")
struct StartupFailureTests {
    @Test("a state path that cannot be created stops the start with a clear error")
    func unusableStoragePath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let blocker = try directory.write("not-a-directory", "x")
        var configuration = FailoverConfiguration.defaults
        configuration.server.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.storage.path = blocker + "/state/failoverd.db"
        let (logger, _) = InMemoryLogHandler.logger()
        #expect {
            _ = try FailoverService(configuration: configuration, logger: logger)
        } throws: { error in
            let message = (error as? ServiceError)?.message ?? ""
            return message.hasPrefix(
                "cannot open the state database \(blocker)/state/failoverd.db: cannot create directory")
        }
    }
}
