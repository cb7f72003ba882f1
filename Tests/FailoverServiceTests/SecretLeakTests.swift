import FailoverService
import FailoverTestSupport
import Foundation
import Testing

@Suite("No configured secret in any output")
struct SecretLeakTests {
    static let webhookPassword = "hook-basic-pw-5521"

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    @Test("a full run with good and bad credentials, reloads and a failover writes no secret anywhere")
    func noSecretAnywhere() async throws {
        let secrets = [
            RunbookServiceFixture.webhookToken, RunbookServiceFixture.readToken, RunbookServiceFixture.adminToken,
            Self.webhookPassword, "linode-token", "do-token",
        ]
        // Many failures from one address on purpose: the failure limit is raised so that every door keeps answering.
        let extra = "server:\n  auth:\n    failure_limit: {max_failures: 100000}\n"
        try await RunbookServiceFixture.run(
            runbooks: Runbooks.twoProviders, extra: extra, webhookPassword: Self.webhookPassword
        ) { fixture in
            var outputs: [String] = []
            func keep(_ response: TestHTTPResponse) {
                outputs.append(response.text)
                outputs.append(response.headers.map { "\($0.0): \($0.1)" }.joined(separator: "\n"))
            }
            let port = fixture.service.port
            func send(_ method: String, _ path: String, _ authorization: String?) async throws {
                let headers =
                    [("Content-Type", "application/json")] + (authorization.map { [("Authorization", $0)] } ?? [])
                keep(try await TestHTTP.send(port: port, method, path, headers: headers, body: Array("{}".utf8)))
            }
            // Succeeding: a failover through both providers (their tokens in every call), basic auth too.
            keep(try await fixture.alert("firing"))
            try await fixture.waitUntilIdle()
            let body = try captured("single-firing")
            keep(
                try await TestHTTP.postJSON(
                    port: port, "/webhook", body,
                    headers: [("Authorization", Self.basic("alertmanager", Self.webhookPassword))]))
            // Failing: every secret sent without a scheme, with an unknown scheme, at the wrong door, misspelt.
            for secret in secrets {
                for authorization in [secret, "Token \(secret)", "Bearer \(secret)x", Self.basic(secret, secret)] {
                    try await send("POST", "/webhook", authorization)
                    try await send("GET", "/api/v1/executions", authorization)
                    try await send("POST", "/api/v1/runbooks/failover-us-east/pause", authorization)
                }
            }
            try await send("GET", "/api/v1/episodes", "Bearer \(RunbookServiceFixture.webhookToken)")
            try await send("POST", "/-/reload", "Bearer \(RunbookServiceFixture.readToken)")
            try await send("POST", "/webhook", Self.basic("alertmanager", "wrong"))
            // Reloads: a good one and one that fails.
            keep(try await fixture.reload(fixture.document(runbooks: Runbooks.twoProviders, extra: extra)))
            keep(try await fixture.reload("runbooks: ["))
            // Every reading surface.
            for path in [
                "/", "/metrics", "/api/v1/audit?format=ndjson", "/api/v1/audit?format=csv", "/api/v1/audit/verify",
                "/api/v1/deliveries", "/api/v1/episodes", "/api/v1/executions", "/api/v1/incidents", "/api/v1/runbooks",
            ] {
                keep(try await fixture.get(path))
            }
            for entry in fixture.service.logs.all {
                outputs.append("\(entry.message) \(entry.metadata)")
            }
            let everything = outputs.joined(separator: "\n")
            #expect(everything.contains("basic:alertmanager"), "the run did not get far enough to prove anything")
            for secret in secrets {
                #expect(!everything.contains(secret), "\(secret) appears in an output")
                #expect(!everything.contains(Data(secret.utf8).base64EncodedString().dropLast(2)))
            }
        }
    }
}
