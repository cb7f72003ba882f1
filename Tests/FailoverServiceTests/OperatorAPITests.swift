import FailoverService
import FailoverTestSupport
import Foundation
import Testing

@Suite("Operator API, health and metrics")
struct OperatorAPITests {
    @Test("health endpoints, the alias, and JSON 404/405")
    func health() async throws {
        let fixture = try ServiceFixture()
        #expect(try await fixture.get("/-/healthy").status == 200)
        #expect(try await fixture.get("/healthz").text == "failoverd is healthy.\n")
        #expect(try await fixture.get("/-/ready").status == 200)
        let missing = try await fixture.get("/api/v2/nothing")
        #expect(missing.status == 404)
        #expect(try missing.json()["error"] as? String == "not_found")
        let wrong = try await TestHTTP.send(port: fixture.port, "GET", "/webhook")
        #expect(wrong.status == 405)
        #expect(wrong.header("Allow") == "POST")
        await fixture.stop()
    }

    @Test("episodes: filters and limit")
    func episodeFilters() async throws {
        let fixture = try ServiceFixture()
        _ = try await fixture.post(try captured("single-firing"))
        _ = try await fixture.post(try captured("group-of-3-firing"))
        _ = try await fixture.post(try captured("group-firing-with-one-resolved"))
        #expect(try await fixture.episodes().count == 4)
        #expect(try await fixture.episodes("?state=firing").count == 3)
        #expect(try await fixture.episodes("?state=resolved").count == 1)
        #expect(try await fixture.episodes("?alertname=BackendDown").count == 3)
        #expect(try await fixture.episodes("?alertname=BackendDown&state=firing&limit=1").count == 1)
        #expect(try await fixture.episodes("?fingerprint=fa79738479a682e6").count == 1)
        let newest = try await fixture.episodes("?limit=1").first
        #expect(newest?["id"] as? Int == 4)
        await fixture.stop()
    }

    @Test(
        "bad query parameters get 400 naming the parameter and what is accepted",
        arguments: [
            ("/api/v1/episodes?state=open", "query parameter \"state\" is \"open\"; accepted: firing, resolved"),
            ("/api/v1/episodes?limit=0", "query parameter \"limit\" is \"0\"; accepted: an integer from 1 to 1000"),
            ("/api/v1/episodes?limit=ten", "query parameter \"limit\" is \"ten\"; accepted: an integer from 1 to 1000"),
            (
                "/api/v1/episodes?colour=red",
                "unknown query parameter \"colour\"; accepted: alertname, fingerprint, limit, state"
            ),
            ("/api/v1/episodes?alertname=", "query parameter \"alertname\" must not be empty"),
            (
                "/api/v1/deliveries?limit=5000",
                "query parameter \"limit\" is \"5000\"; accepted: an integer from 1 to 1000"
            ),
        ])
    func badParameters(path: String, message: String) async throws {
        let fixture = try ServiceFixture()
        let response = try await fixture.get(path)
        #expect(response.status == 400)
        #expect(try response.json()["error"] as? String == "bad_parameter")
        #expect(try response.json()["message"] as? String == message)
        await fixture.stop()
    }

    @Test("deliveries list newest first without bodies")
    func deliveries() async throws {
        let fixture = try ServiceFixture()
        _ = try await fixture.post(try captured("single-firing"))
        _ = try await fixture.post(try captured("single-resolved"))
        let deliveries = try await fixture.get("/api/v1/deliveries?limit=1").json()["deliveries"] as? [[String: Any]]
        #expect(deliveries?.count == 1)
        let newest = try #require(deliveries?.first)
        #expect(newest["id"] as? Int == 2)
        #expect(newest["status"] as? String == "resolved")
        #expect(newest["remoteAddress"] as? String == "127.0.0.1")
        #expect((newest["bodySHA256"] as? String)?.count == 64)
        #expect(newest["body"] == nil)
        await fixture.stop()
    }

    @Test("metrics: exact wire text of the webhook families")
    func metricsText() async throws {
        let fixture = try ServiceFixture()
        _ = try await fixture.post(try captured("single-firing"))
        _ = try await fixture.post(try captured("single-firing"))
        _ = try await fixture.post(Array("{".utf8))
        let response = try await fixture.get("/metrics")
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            Self.family("failoverd_webhook_requests_total", in: response.text) == """
                # HELP failoverd_webhook_requests_total Webhook requests by outcome.
                # TYPE failoverd_webhook_requests_total counter
                failoverd_webhook_requests_total{outcome="accepted"} 2
                failoverd_webhook_requests_total{outcome="bad_request"} 1
                failoverd_webhook_requests_total{outcome="failed"} 0
                failoverd_webhook_requests_total{outcome="payload_too_large"} 0
                failoverd_webhook_requests_total{outcome="unauthorized"} 0
                failoverd_webhook_requests_total{outcome="unavailable"} 0
                failoverd_webhook_requests_total{outcome="unsupported_media_type"} 0
                """)
        #expect(
            Self.family("failoverd_webhook_alerts_total", in: response.text) == """
                # HELP failoverd_webhook_alerts_total Alerts in committed webhooks, by what they did to their episode.
                # TYPE failoverd_webhook_alerts_total counter
                failoverd_webhook_alerts_total{transition="duplicate_firing"} 1
                failoverd_webhook_alerts_total{transition="duplicate_resolved"} 0
                failoverd_webhook_alerts_total{transition="opened"} 1
                failoverd_webhook_alerts_total{transition="opened_resolved"} 0
                failoverd_webhook_alerts_total{transition="reopen_cancelled"} 0
                failoverd_webhook_alerts_total{transition="reopen_pending"} 0
                failoverd_webhook_alerts_total{transition="reopened"} 0
                failoverd_webhook_alerts_total{transition="resolved"} 0
                failoverd_webhook_alerts_total{transition="stale_resolved"} 0
                """)
        #expect(
            Self.family("failoverd_episodes", in: response.text) == """
                # HELP failoverd_episodes Episodes by state.
                # TYPE failoverd_episodes gauge
                failoverd_episodes{state="firing"} 1.0
                failoverd_episodes{state="resolved"} 0.0
                """)
        #expect(response.text.contains("failoverd_ingest_batches_total{result=\"committed\"} 2\n"))
        #expect(
            response.text.contains(
                "failoverd_http_requests_total{handler=\"/webhook\",method=\"POST\",code=\"400\"} 1\n"))
        await fixture.stop()
    }

    @Test("promtool check metrics accepts /metrics")
    func promtool() async throws {
        guard
            let promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(
                where: FileManager.default.isExecutableFile)
        else {
            Issue.record("promtool is not installed (make test installs the prometheus package)")
            return
        }
        let fixture = try ServiceFixture()
        _ = try await fixture.post(try captured("group-firing-with-one-resolved"))
        _ = try await fixture.get("/-/ready")
        let text = try await fixture.get("/metrics").text
        let input = fixture.directory.file("metrics.txt")
        try text.write(toFile: input, atomically: false, encoding: .utf8)
        let (status, output) = try await ShellCommand.run("\(promtool) check metrics < '\(input)'")
        #expect(status == 0, "promtool: \(output)")
        #expect(output.isEmpty, "promtool lint findings: \(output)")
        await fixture.stop()
    }

    /// The HELP and TYPE lines of a metric family followed by its samples, sorted (the registry's order varies).
    static func family(_ name: String, in text: String) -> String {
        let lines = text.split(separator: "\n").map(String.init)
        let help = lines.filter { $0.hasPrefix("# HELP \(name) ") || $0.hasPrefix("# TYPE \(name) ") }
        let samples = lines.filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }.sorted()
        return (help + samples).joined(separator: "\n")
    }
}
