import FailoverConfig
import FailoverTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

@testable import FailoverService

@Suite("POST /webhook")
struct WebhookIngestTests {
    @Test("a real webhook is acknowledged with what was stored, after it is committed")
    func accepted() async throws {
        let fixture = try ServiceFixture()
        let response = try await fixture.post(try captured("group-of-3-firing"))
        #expect(response.status == 200)
        let body = try response.json()
        #expect(body["status"] as? String == "accepted")
        #expect(body["delivery"] as? Int == 1)
        let alerts = try #require(body["alerts"] as? [[String: Any]])
        #expect(alerts.map { $0["transition"] as? String } == ["opened", "opened", "opened"])
        // Committed before the answer: another connection sees it at once.
        #expect(try fixture.count("deliveries") == 1)
        #expect(try fixture.count("episodes") == 3)
        await fixture.stop()
    }

    @Test("the 200 waits for the commit: while the commit cannot finish, no answer; then 200 with the rows there")
    func answeredOnlyAfterTheCommit() async throws {
        let fixture = try ServiceFixture(busyTimeout: .seconds(120))
        let writer = fixture.service.writer
        let lock = try SQLiteWriteLock(path: fixture.databasePath)
        let body = try captured("group-of-3-firing")
        let answered = Mutex(false)
        let answer = Task {
            defer { answered.withLock { $0 = true } }
            return try await fixture.post(body)
        }
        // The delivery is inside the writer's transaction, which waits for the lock: a 200 sent before the commit
        // would have been sent by now.
        try await PollingDeadline.wait(for: "the delivery in the writer's transaction", within: .seconds(60)) {
            writer.committingCount == 1 ? true : nil
        }
        #expect(!answered.withLock { $0 })
        #expect(try fixture.count("deliveries") == 0)
        lock.release()
        let response = try await answer.value
        #expect(response.status == 200)
        #expect(try fixture.count("deliveries") == 1)
        #expect(try fixture.count("episodes") == 3)
        await fixture.stop()
    }

    @Test("firing, then resolved: the episode closes; a firing of the same period waits, a resolved proves it stale")
    func firingThenResolved() async throws {
        let fixture = try ServiceFixture()
        #expect(try await fixture.post(try captured("single-firing")).status == 200)
        #expect(try await fixture.episodes("?state=firing").count == 1)
        #expect(try await fixture.post(try captured("single-resolved")).status == 200)
        let stale = try await fixture.post(try captured("single-firing"))
        #expect(try (stale.json()["alerts"] as? [[String: Any]])?.first?["transition"] as? String == "reopen_pending")
        #expect(try await fixture.episodes("?state=firing").isEmpty)
        let peer = try await fixture.post(try captured("single-resolved"))
        #expect(try (peer.json()["alerts"] as? [[String: Any]])?.first?["transition"] as? String == "reopen_cancelled")
        let resolved = try await fixture.episodes("?state=resolved")
        #expect(resolved.count == 1)
        #expect(resolved.first?["staleFirings"] as? Int == 1)
        #expect(resolved.first?["fingerprint"] as? String == "fa79738479a682e6")
        await fixture.stop()
    }

    @Test("a firing message with a resolved alert is decided per alert")
    func mixedMessage() async throws {
        let fixture = try ServiceFixture()
        #expect(try await fixture.post(try captured("group-of-3-firing")).status == 200)
        let response = try await fixture.post(try captured("group-firing-with-one-resolved"))
        let transitions = try (response.json()["alerts"] as? [[String: Any]])?.map { $0["transition"] as? String }
        #expect(transitions == ["duplicate_firing", "resolved", "duplicate_firing"])
        #expect(try await fixture.episodes("?state=firing").count == 2)
        await fixture.stop()
    }

    @Test("max_alerts truncation is stored and counted")
    func truncated() async throws {
        let fixture = try ServiceFixture()
        #expect(try await fixture.post(try captured("max-alerts-truncated")).status == 200)
        let deliveries = try await fixture.get("/api/v1/deliveries").json()["deliveries"] as? [[String: Any]]
        #expect(deliveries?.first?["truncatedAlerts"] as? Int == 1)
        let metrics = try await fixture.get("/metrics").text
        #expect(metrics.contains("failoverd_webhook_truncated_alerts_total 1\n"))
        await fixture.stop()
    }

    @Test("the same body twice is one episode with a duplicate, and two deliveries")
    func duplicates() async throws {
        let fixture = try ServiceFixture()
        let body = try captured("single-firing")
        #expect(try await fixture.post(body).status == 200)
        #expect(try await fixture.post(body).status == 200)
        #expect(try fixture.count("deliveries") == 2)
        let episodes = try await fixture.episodes()
        #expect(episodes.count == 1)
        #expect(episodes.first?["duplicates"] as? Int == 1)
        await fixture.stop()
    }

    @Test("50 concurrent deliveries of the same body make one episode per alert")
    func concurrentDuplicates() async throws {
        let fixture = try ServiceFixture()
        let body = try benchPayload()
        let port = fixture.port
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask { (try? await TestHTTP.postJSON(port: port, "/webhook", body).status) ?? -1 }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 50))
        #expect(try fixture.count("deliveries") == 50)
        let episodes = try await fixture.episodes()
        let alertCount = try AlertCount.of(body)
        #expect(episodes.count == alertCount)
        #expect(episodes.allSatisfy { $0["duplicates"] as? Int == 49 })
        await fixture.stop()
    }

    @Test(
        "bad bodies get 400 naming the problem, and nothing is stored",
        arguments: [
            ("{not json", "malformed_json"),
            (#"{"version":"3","alerts":[]}"#, "not_a_v4_webhook"),
            (
                #"{"receiver":"r","status":"firing","version":"4","groupKey":"g","alerts":[{"status":"firing","labels":{},"startsAt":"noon","fingerprint":"f"}]}"#,
                "invalid_field"
            ),
        ])
    func badRequest(body: String, reason: String) async throws {
        let fixture = try ServiceFixture()
        let response = try await fixture.post(Array(body.utf8))
        #expect(response.status == 400)
        #expect(response.header("Content-Type") == "application/json")
        #expect(try response.json()["error"] as? String == reason)
        #expect(try !(response.json()["message"] as? String ?? "").isEmpty)
        #expect(try fixture.count("deliveries") == 0)
        #expect(
            try await fixture.get("/metrics").text.contains(
                #"failoverd_webhook_requests_total{outcome="bad_request"} 1"#))
        await fixture.stop()
    }

    @Test("a body over the limit gets 413 and nothing is stored")
    func tooLarge() async throws {
        let fixture = try ServiceFixture(maxBodyBytes: 4096)
        var body = try captured("group-of-3-firing")
        body += [UInt8](repeating: 32, count: 5000)
        let response = try await fixture.post(body)
        #expect(response.status == 413)
        #expect(try response.json()["message"] as? String == "request body exceeds the limit of 4096 bytes")
        #expect(try fixture.count("deliveries") == 0)
        let metrics = try await fixture.get("/metrics").text
        #expect(metrics.contains(#"failoverd_webhook_requests_total{outcome="payload_too_large"} 1"#))
        #expect(metrics.contains(#"failoverd_http_requests_total{handler="/webhook",method="POST",code="413"} 1"#))
        await fixture.stop()
    }

    @Test("a body that is not JSON by content type gets 415")
    func unsupportedMediaType() async throws {
        let fixture = try ServiceFixture()
        let body = try captured("single-firing")
        let form = try await TestHTTP.send(
            port: fixture.port, "POST", "/webhook", headers: [("Content-Type", "text/plain")], body: body)
        #expect(form.status == 415)
        #expect(try form.json()["message"] as? String == "Content-Type must be application/json, got \"text/plain\"")
        let none = try await TestHTTP.send(port: fixture.port, "POST", "/webhook", body: body)
        #expect(none.status == 415)
        let charset = try await TestHTTP.send(
            port: fixture.port, "POST", "/webhook", headers: [("Content-Type", "application/json; charset=utf-8")],
            body: body)
        #expect(charset.status == 200)
        #expect(try fixture.count("deliveries") == 1)
        await fixture.stop()
    }

    @Test("a commit that cannot happen gets 503 (Alertmanager retries), nothing is stored; readiness follows")
    func storageUnavailable() async throws {
        let fixture = try ServiceFixture(busyTimeout: .milliseconds(100))
        let lock = try SQLiteWriteLock(path: fixture.databasePath)
        let refused = try await fixture.post(try captured("single-firing"))
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(try refused.json()["error"] as? String == "storage_unavailable")
        let notReady = try await fixture.get("/-/ready")
        #expect(notReady.status == 503)
        #expect(try notReady.json()["error"] as? String == "not_ready")
        lock.release()
        #expect(try fixture.count("deliveries") == 0)
        #expect(try await fixture.get("/-/ready").status == 200)
        #expect(try await fixture.post(try captured("single-firing")).status == 200)
        #expect(try fixture.count("deliveries") == 1)
        await fixture.stop()
    }
}

enum AlertCount {
    static func of(_ body: [UInt8]) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return (object?["alerts"] as? [Any])?.count ?? 0
    }
}
