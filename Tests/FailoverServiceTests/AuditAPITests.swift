import FailoverConfig
import FailoverCore
import FailoverService
import FailoverStore
import FailoverTestSupport
import Foundation
import GRDB
import Testing

@Suite("Operator API: the audit trail")
struct AuditAPITests {
    static let environment = ["HOOK_TOKEN": "hook-secret", "READ_TOKEN": "read-secret"]

    @Test("pages as JSON, exports as NDJSON and CSV, single events, verify")
    func reads() async throws {
        let fixture = try ServiceFixture()
        for _ in 0..<3 { await fixture.service.recordStarted() }

        let page = try await fixture.get("/api/v1/audit?limit=2")
        #expect(page.status == 200)
        let json = try page.json()
        let events = try #require(json["events"] as? [[String: Any]])
        #expect(events.map { $0["id"] as? Int } == [3, 2])
        #expect(events.first?["type"] as? String == "service.started")
        let cursor = try #require(json["next"] as? String)
        let rest = try await fixture.get("/api/v1/audit?limit=2&cursor=\(cursor)").json()
        #expect((rest["events"] as? [[String: Any]])?.map { $0["id"] as? Int } == [1])
        #expect(rest["next"] is NSNull)

        let ndjson = try await fixture.get("/api/v1/audit?format=ndjson")
        #expect(ndjson.header("Content-Type") == "application/x-ndjson")
        let lines = ndjson.text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(
            try lines.allSatisfy { line in
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return (object?["hash"] as? String)?.count == 64
            })

        let csv = try await fixture.get("/api/v1/audit?format=csv&type=service.started")
        #expect(csv.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(
            csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 4, "a header and three records")

        let one = try await fixture.get("/api/v1/audit/2")
        #expect(one.status == 200)
        #expect(try one.json()["id"] as? Int == 2)
        #expect(try await fixture.get("/api/v1/audit/99").status == 404)

        let verify = try await fixture.get("/api/v1/audit/verify").json()
        #expect(verify["intact"] as? Bool == true)
        #expect(verify["events"] as? Int == 3)
        await fixture.stop()
    }

    @Test("a webhook and what it did to its episodes are audited in its own transaction; a failed commit is not")
    func ingestAudited() async throws {
        let fixture = try ServiceFixture(
            auth: CredentialSettings(bearerToken: .environment("HOOK_TOKEN")), environment: Self.environment,
            busyTimeout: .milliseconds(100))
        let hookToken = [("Authorization", "Bearer hook-secret")]
        #expect(try await fixture.post(try captured("group-of-3-firing"), headers: hookToken).status == 200)
        #expect(
            try await fixture.post(try captured("group-firing-with-one-resolved"), headers: hookToken).status == 200)

        let received = try await fixture.get("/api/v1/audit?type=webhook.received").json()["events"] as? [[String: Any]]
        #expect(received?.count == 2)
        #expect(received?.first?["actor"] as? String == "bearer")
        #expect(received?.first?["alertname"] as? String == "BackendDown")
        let opened = try await fixture.get("/api/v1/audit?type=episode.opened").json()["events"] as? [[String: Any]]
        #expect(opened?.count == 3)
        let resolved = try await fixture.get("/api/v1/audit?type=episode.resolved").json()["events"] as? [[String: Any]]
        #expect(resolved?.count == 1)
        let fingerprint = try #require(resolved?.first?["fingerprint"] as? String)
        let history =
            try await fixture.get("/api/v1/audit?fingerprint=\(fingerprint)").json()["events"] as? [[String: Any]]
        #expect(history?.map { $0["type"] as? String } == ["episode.resolved", "episode.opened"])

        let lock = try SQLiteWriteLock(path: fixture.databasePath)
        #expect(try await fixture.post(try captured("single-firing"), headers: hookToken).status == 503)
        lock.release()
        let count = try await fixture.get("/api/v1/audit?type=webhook.received").json()["events"] as? [[String: Any]]
        #expect(count?.count == 2, "the refused webhook left no audit event")
        #expect(try await fixture.get("/api/v1/audit/verify").json()["intact"] as? Bool == true)
        await fixture.stop()
    }

    @Test("repeats are listed in their delivery's event; a firing after resolution and its end get their own events")
    func repeatsAndStaleFirings() async throws {
        let fixture = try ServiceFixture()
        for name in ["single-firing", "single-firing", "single-resolved", "single-firing", "single-resolved"] {
            #expect(try await fixture.post(try captured(name)).status == 200)
        }
        let types =
            try await fixture.get("/api/v1/audit?fingerprint=fa79738479a682e6").json()["events"]
            as? [[String: Any]]
        #expect(
            types?.map { $0["type"] as? String } == [
                "episode.reopen_cancelled", "episode.reopen_pending", "episode.resolved", "episode.opened",
            ])
        let received =
            try await fixture.get("/api/v1/audit?type=webhook.received&limit=5").json()["events"]
            as? [[String: Any]]
        let transitions = received?.compactMap { event -> String? in
            let detail = event["detail"] as? [String: Any]
            let alerts = detail?["alerts"] as? [[String: Any]]
            return alerts?.first?["transition"] as? String
        }
        #expect(transitions == ["reopen_cancelled", "reopen_pending", "resolved", "duplicate_firing", "opened"])
        await fixture.stop()
    }

    @Test(
        "bad parameters get 400 naming the parameter",
        arguments: [
            ("/api/v1/audit?limit=0", "limit"), ("/api/v1/audit?format=xml", "format"),
            ("/api/v1/audit?since=yesterday", "since"), ("/api/v1/audit?colour=red", "colour"),
            ("/api/v1/audit?type=nothing.happened", "type"), ("/api/v1/audit/abc", "id"),
        ])
    func badParameters(path: String, parameter: String) async throws {
        let fixture = try ServiceFixture()
        let response = try await fixture.get(path)
        #expect(response.status == 400)
        #expect(try response.json()["error"] as? String == "bad_parameter")
        #expect(try (response.json()["message"] as? String)?.contains(parameter) == true, "\(response.text)")
        await fixture.stop()
    }

    @Test("each credential opens its own door only")
    func separation() async throws {
        let fixture = try ServiceFixture(
            auth: CredentialSettings(bearerToken: .environment("HOOK_TOKEN")),
            read: CredentialSettings(bearerToken: .environment("READ_TOKEN")), environment: Self.environment)
        let readToken = [("Authorization", "Bearer read-secret")]
        let hookToken = [("Authorization", "Bearer hook-secret")]

        #expect(try await fixture.get("/api/v1/audit", headers: readToken).status == 200)
        #expect(try await fixture.get("/api/v1/episodes", headers: readToken).status == 200)
        let noCredential = try await fixture.get("/api/v1/audit")
        #expect(noCredential.status == 401)
        #expect(noCredential.header("WWW-Authenticate") == #"Bearer realm="failoverd""#)
        let hookOnRead = try await fixture.get("/api/v1/deliveries", headers: hookToken)
        #expect(hookOnRead.status == 403)
        #expect(try hookOnRead.json()["error"] as? String == "forbidden")

        let body = try captured("single-firing")
        #expect(try await fixture.post(body, headers: hookToken).status == 200)
        let readOnWebhook = try await fixture.post(body, headers: readToken)
        #expect(readOnWebhook.status == 403)
        #expect(try fixture.count("deliveries") == 1)
        await fixture.stop()
    }
}

@Suite("Retention in the service")
struct RetentionServiceTests {
    @Test("webhook bodies older than the retention are dropped in the background; the chain stays intact")
    func prunesOldBodies() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = FailoverConfiguration.defaults
        configuration.server.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.storage.path = directory.file("failoverd.db")
        let (logger, _) = InMemoryLogHandler.logger()

        let first = try FailoverService(configuration: configuration, logger: logger)
        try first.start()
        let body = try captured("single-firing")
        #expect(try await TestHTTP.postJSON(port: first.port, "/webhook", body).status == 200)
        #expect(try await TestHTTP.postJSON(port: first.port, "/webhook", body).status == 200)
        await first.shutdown()

        // Age the first delivery by 40 days, as if it had arrived then.
        let fortyDays: Int64 = 40 * 86_400_000
        try await ExternalConnection.open(configuration.storage.path).write { db in
            try db.execute(
                sql: "UPDATE deliveries SET received_at_ms = received_at_ms - ? WHERE id = 1", arguments: [fortyDays])
        }

        let second = try FailoverService(configuration: configuration, logger: logger)
        try second.start()
        var sizes: [Int?] = []
        for _ in 0..<100 {
            let deliveries = try await TestHTTP.send(port: second.port, "GET", "/api/v1/deliveries").json()
            sizes = (deliveries["deliveries"] as? [[String: Any]] ?? []).map { $0["bodyBytes"] as? Int }
            if sizes.last == .some(nil) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(sizes == [body.count, nil], "the recent body stays, the old one is dropped")
        let verify = try await TestHTTP.send(port: second.port, "GET", "/api/v1/audit/verify").json()
        #expect(verify["intact"] as? Bool == true)
        await second.shutdown()
    }
}

/// The chain head published outside the database, and signed with `audit.signing_key_file`.
@Suite("Operator API: the audit chain head, published and signed")
struct AuditHeadTests {
    /// Polls `condition` until it holds or 20 s pass.
    static func waitFor(_ condition: () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(90))
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }

    static func headLines(_ logs: InMemoryLogHandler.Store, at moment: String) -> [[String: String]] {
        logs.all.filter { $0.message == "audit chain head" && $0.metadata["at"] == moment }.map(\.metadata)
    }

    @Test("the head is logged at start and stop, on /metrics and in verify; signed periodically and at stop")
    func publishedAndSigned() async throws {
        let keys = try TemporaryDirectory()
        defer { keys.remove() }
        let key = AuditSigningKey.generate()
        let keyFile = keys.file("audit-signing.pem")
        FileManager.default.createFile(
            atPath: keyFile, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        let fixture = try ServiceFixture(configure: { configuration in
            configuration.audit = AuditSettings(signingKeyFile: keyFile, signingInterval: .seconds(1))
        })
        defer { fixture.directory.remove() }
        await fixture.service.recordStarted()
        let started = try #require(Self.headLines(fixture.logs, at: "start").first)
        #expect(started["head_id"] == "1")
        #expect(started["head_hash"]?.count == 64)
        #expect(try await Self.waitFor { try fixture.count("audit_signed_heads") >= 1 }, "signed at start")

        let verify = try await fixture.get("/api/v1/audit/verify").json()
        let head = try #require(verify["head"] as? [String: Any])
        #expect(head["id"] as? Int == 1)
        #expect(head["hash"] as? String == started["head_hash"])
        let anchor = "1:\(started["head_hash"]!)"
        #expect(try await fixture.get("/api/v1/audit/verify?anchor=\(anchor)").json()["intact"] as? Bool == true)
        let wrong = try await fixture.get("/api/v1/audit/verify?anchor=1:\(String(repeating: "0", count: 64))").json()
        #expect(wrong["intact"] as? Bool == false)
        #expect((wrong["break"] as? [String: Any])?["kind"] as? String == "anchor_mismatch")
        let bad = try await fixture.get("/api/v1/audit/verify?anchor=1:xyz")
        #expect(bad.status == 400)
        #expect(bad.text.contains("is not ID:HASH"), "\(bad.text as String)")
        #expect(bad.header("Content-Type")?.hasPrefix("application/json") == true)

        let metrics = try await fixture.get("/metrics").text
        #expect(
            metrics.contains("\nfailoverd_audit_head_id 1.0\n") || metrics.contains("\nfailoverd_audit_head_id 1\n"))
        #expect(metrics.contains("\nfailoverd_audit_signed_head_id 1"), "\(metrics)")

        await fixture.service.shutdown(gracePeriod: .seconds(5))
        let stopped = try #require(Self.headLines(fixture.logs, at: "stop").first)
        #expect(stopped["head_id"] == "2", "service.stopped is the head")
        let store = try ReadOnlyStateStore(path: fixture.databasePath)
        defer { store.close() }
        let proven = try await store.verifyAuditLog(publicKeys: [key.verifyingKey])
        #expect(proven.isIntact)
        #expect(proven.signedHead?.headID == 2, "signed at stop, after service.stopped")
        #expect(proven.head?.description == "2:\(stopped["head_hash"]!)")
    }

    @Test("a signing key file that is not an Ed25519 private key stops the service from starting, clearly")
    func badKey() throws {
        let keys = try TemporaryDirectory()
        defer { keys.remove() }
        let keyFile = keys.file("audit-signing.pem")
        FileManager.default.createFile(
            atPath: keyFile, contents: Data(AuditSigningKey.generate().verifyingKey.pemRepresentation.utf8))
        #expect {
            _ = try ServiceFixture(configure: { configuration in configuration.audit.signingKeyFile = keyFile })
        } throws: { error in
            "\(error)".contains("audit.signing_key_file: \(keyFile): not a PEM file with a \"PRIVATE KEY\" block")
        }
    }
}
