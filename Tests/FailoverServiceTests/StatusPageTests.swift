import FailoverCore
import FailoverTestSupport
import Foundation
import Testing

@testable import FailoverService

@Suite("GET / — the status page", .timeLimit(.minutes(2)))
struct StatusPageTests {
    /// The fixture's runbook, matching any `Primary…` alert (so that a test can give the alert name markup).
    static let runbook = Runbooks.twoProviders.replacingOccurrences(
        of: #"['alertname="PrimaryRegionUnhealthy"', 'region="us-east"']"#, with: #"['alertname=~"Primary.*"']"#)
    /// Alert label values that reach the page (the key column, the audit's alert name) and try to be markup.
    static let hostileAlertname = "Primary<script>alert(1)</script>"
    /// The quote carries a combining mark (one grapheme cluster): escaped all the same.
    static let hostileRegion = "us-\"\u{301}east' onmouseover=\"x\" &<b>"
    static let hostileReason = "<img src=x onerror=\"alert(1)\"> maintenance"

    static func post(_ fixture: RunbookServiceFixture, labels: [String: String]) async throws {
        let body = AlertmanagerWebhookBody.firing(labels: labels, startsAt: .wallClock(offsetBy: .seconds(-60)))
        let response = try await TestHTTP.postJSON(
            port: fixture.service.port, "/webhook", try body.bytes(),
            headers: [("Authorization", "Bearer \(RunbookServiceFixture.webhookToken)")])
        #expect(response.status == 200, "\(response.text)")
    }

    @Test("after a failover: runbook, key state, steps with DNS before → after, pause, suppression, audit, escaped")
    func afterFailover() async throws {
        try await RunbookServiceFixture.run(runbooks: Self.runbook) { fixture in
            try await Self.post(fixture, labels: ["alertname": Self.hostileAlertname, "region": Self.hostileRegion])
            try await fixture.waitUntil("failed over") {
                fixture.linodeTargets == ["198.51.100.5"] && fixture.digitaloceanTargets == ["198.51.100.6"]
            }
            try await fixture.waitUntilIdle()
            let reason = try JSONSerialization.data(withJSONObject: ["reason": Self.hostileReason])
            let pause = try await fixture.post(
                "/api/v1/runbooks/failover-us-east/pause", String(decoding: reason, as: UTF8.self))
            #expect(pause.status == 200, "\(pause.text)")
            try await Self.post(fixture, labels: ["alertname": "PrimaryRegionUnhealthy", "region": "eu-west"])
            try await fixture.waitUntil("the paused runbook's execution is suppressed") {
                try await fixture.executions().contains { $0["state"] as? String == "suppressed" }
            }

            let response = try await fixture.get("/")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/html; charset=utf-8")
            #expect(response.header("Content-Security-Policy") == "default-src 'none'; style-src 'unsafe-inline'")
            let html = response.text
            for fragment in [
                "<title>failoverd: 1 runbook, 1 key on or moving to the secondary",
                "failoverd \(FailoverdBuild.version)", "<code>127.0.0.1:\(fixture.service.port)</code>",
                "ready: the database takes writes",
                "<h3>Runbook failover-us-east <span class=\"bad\">(paused)</span></h3>",
                "<code>alertname=~&quot;Primary.*&quot;</code>",
                "automatic, once the incident has stayed resolved for 200 ms", "<dt>Flap guard</dt><dd>none</dd>",
                "1 in the last 24 hours (paused: 1)",
                "<td class=\"warn\">secondary</td><td>failed_over</td>",
                // The key's value, escaped in text: quotes, apostrophe, ampersand and angle brackets.
                "region=us-&quot;\u{301}east&#39; onmouseover=&quot;x&quot; &amp;&lt;b&gt;",
                "by admin:bearer since", "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; maintenance",
                // The step timeline: the parallel group and both DNS steps, before → after.
                "<td>0.0 </td><td>dns</td><td class=\"ok\">succeeded</td>",
                "<td>app.example.com A at linode-main: 192.0.2.1 ttl=30</td><td>→ 198.51.100.5 ttl=30</td>",
                "<td>app.example.org A at do-main: 192.0.2.2 ttl=60</td><td>→ 198.51.100.6 ttl=60</td>",
                "Not run: suppressed.", "suppressed: paused",
                // Open incidents and the audit events.
                "<td>1 of 1</td>", "<td>runbook.started</td>", "<td>incident.opened</td>",
                "<td>runbook.paused</td>", "<td>Primary&lt;script&gt;alert(1)&lt;/script&gt;</td>",
                "<a href=\"/api/v1/executions?runbook=failover-us-east\">", "<a href=\"/api/v1/runbooks\">",
                "<a href=\"/api/v1/incidents\">", "<a href=\"/api/v1/audit\">", "<a href=\"/metrics\">",
                "<a href=\"/-/ready\">", "<code>/api/v1/executions/{id}</code>",
            ] {
                #expect(html.contains(fragment), "the page shows \(fragment)")
            }
            #expect(!html.contains("<script"), "no script element, and the alert name's markup is escaped")
            #expect(!html.contains("<img"), "the pause reason's markup is escaped")
            #expect(!html.contains("<meta http-equiv=\"refresh\""), "no reload unless asked")
            #expect(!html.contains("DRY RUN"))
            let executions = try await fixture.executions()
            let failover = try #require(executions.first { $0["state"] as? String == "succeeded" }?["id"] as? Int)
            #expect(html.contains("<section id=\"execution-\(failover)\">"))
            #expect(html.contains("<a href=\"/api/v1/executions/\(failover)\">JSON</a>"))
            for secret in [
                RunbookServiceFixture.adminToken, RunbookServiceFixture.readToken, RunbookServiceFixture.webhookToken,
                "linode-token", "do-token",
            ] {
                #expect(!html.contains(secret), "the page never shows a credential")
            }
        }
    }

    @Test("read credential: 401 without or wrong, 403 with the webhook credential, 200 with read or admin")
    func authorization() async throws {
        try await RunbookServiceFixture.run(runbooks: Self.runbook) { fixture in
            #expect(try await fixture.get("/", token: nil).status == 401)
            #expect(try await fixture.get("/", token: "wrong").status == 401)
            let forbidden = try await fixture.get("/", token: RunbookServiceFixture.webhookToken)
            #expect(forbidden.status == 403)
            #expect(forbidden.header("Content-Type") == "application/json")
            #expect(try await fixture.get("/", token: RunbookServiceFixture.adminToken).status == 200)
            let empty = try await fixture.get("/")
            #expect(empty.status == 200)
            #expect(empty.text.contains("No alert has matched yet: the primary serves (normal)."))
            #expect(empty.text.contains("No open incident.") && empty.text.contains("No execution yet."))
        }
    }

    @Test("?refresh=N adds a meta refresh for 5…3600; anything else is a 400 JSON error naming the parameter")
    func refresh() async throws {
        try await RunbookServiceFixture.run(runbooks: Self.runbook) { fixture in
            let page = try await fixture.get("/?refresh=30")
            #expect(page.status == 200)
            #expect(page.text.contains("<meta http-equiv=\"refresh\" content=\"30\">"))
            #expect(try await fixture.get("/?refresh=5").status == 200)
            #expect(try await fixture.get("/?refresh=3600").status == 200)
            for bad in ["/?refresh=2", "/?refresh=4", "/?refresh=3601", "/?refresh=abc", "/?refresh=", "/?other=1"] {
                let response = try await fixture.get(bad)
                #expect(response.status == 400, "\(bad)")
                #expect(response.header("Content-Type") == "application/json", "\(bad)")
                #expect(try response.json()["error"] as? String == "bad_parameter", "\(bad): \(response.text)")
            }
            let message = try await fixture.get("/?refresh=2").json()["message"] as? String
            #expect(message?.contains("refresh") == true && message?.contains("5 to 3600") == true, "\(message ?? "")")
        }
    }

    @Test("the global dry run shows a banner")
    func dryRunBanner() async throws {
        try await RunbookServiceFixture.run(runbooks: Self.runbook, extra: "  dry_run: true") { fixture in
            let html = try await fixture.get("/").text
            #expect(html.contains("<strong>DRY RUN:</strong>"), "\(html)")
            #expect(html.contains("(dry run)"))
        }
    }

    @Test("escaping is per Unicode scalar: a quote or bracket carrying a combining mark is escaped too")
    func escapingByScalar() {
        #expect(StatusPageHTMLEscaping.escape("\"\u{301}") == "&quot;\u{301}")
        #expect(StatusPageHTMLEscaping.escape("<\u{338}a>") == "&lt;\u{338}a&gt;")
        #expect(StatusPageHTMLEscaping.escape("a&b'c\"d<e>f") == "a&amp;b&#39;c&quot;d&lt;e&gt;f")
        #expect(StatusPageHTMLEscaping.escape("région — 東京") == "région — 東京")
    }

    @Test("every URL on the page comes from a checked runbook name or an integer id")
    func links() {
        #expect(StatusPageLink.isSafeName("failover-us_east-1"))
        for unsafe in ["", "a b", "a\"b", "a/b", "a?b", "a#b", "é", "javascript:x"] {
            #expect(!StatusPageLink.isSafeName(unsafe), "\(unsafe)")
            #expect(StatusPageLink.runbook(unsafe).isEmpty && StatusPageLink.anchor(runbook: unsafe).isEmpty)
        }
    }
}
