import FailoverCore
import FailoverService
import FailoverTestSupport
import Foundation
import Testing

/// `POST /-/reload` (SIGHUP takes the same path; its end-to-end test is in CommandLineTests): validate first, keep
/// the old configuration on error, never interrupt an execution, runbooks added, changed and removed take effect
/// for new incidents.
@Suite("Configuration reload", .timeLimit(.minutes(3)))
struct ConfigurationReloadTests {
    static func runbook(
        _ name: String = "failover-us-east", region: String = "us-east", target: String, before: String = "",
        minFiring: String = "0s"
    ) -> String {
        """
          \(name):
            match: ['alertname="PrimaryRegionUnhealthy"', 'region="\(region)"']
            key_labels: [region]
            min_firing: \(minFiring)
            steps:\(before)
              - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [\(target)], ttl: 30}
            failback: {mode: none}
        """
    }

    static func now(plus offset: Duration = .zero) -> String {
        let date = Date().addingTimeInterval(Double(offset.components.seconds))
        return ISO8601DateFormatter().string(from: date)
    }

    func reloadEvents(_ fixture: RunbookServiceFixture) async throws -> [[String: Any]] {
        try await fixture.get("/api/v1/audit?type=config.reloaded").json()["events"] as? [[String: Any]] ?? []
    }

    @Test("an invalid configuration is refused with 422 naming the problem; the previous one stays in force")
    func invalidKeepsOld() async throws {
        try await RunbookServiceFixture.run(runbooks: Self.runbook(target: "198.51.100.5")) { fixture in
            let broken = fixture.document(runbooks: Self.runbook(target: "198.51.100.7") + "\n    bogus_field: 1")
            let response = try await fixture.reload(broken)
            #expect(response.status == 422)
            let outcome = try response.json()
            #expect(outcome["succeeded"] as? Bool == false)
            #expect((outcome["error"] as? String)?.contains("test.yml:") == true)
            #expect((outcome["error"] as? String)?.contains("bogus_field") == true)
            // The runbook in force is the old one.
            #expect(try await fixture.alert("firing").status == 200)
            try await fixture.waitUntil("the old runbook ran") { fixture.linodeTargets == ["198.51.100.5"] }
            let metrics = String(decoding: try await fixture.get("/metrics").body, as: UTF8.self)
            #expect(metrics.contains("failoverd_config_last_reload_successful 0.0"))
            #expect(metrics.contains("failoverd_config_reloads_total{result=\"failure\"} 1"))
            let events = try await reloadEvents(fixture)
            #expect(events.count == 1)
            #expect(events.first?["outcome"] as? String == "failure")
            #expect(events.first?["actor"] as? String == "admin:bearer")
            #expect(((events.first?["detail"] as? [String: Any])?["error"] as? String)?.contains("bogus_field") == true)
        }
    }

    @Test("a secret the new configuration names that cannot be read refuses the reload; nothing changes")
    func unreadableSecret() async throws {
        try await RunbookServiceFixture.run(runbooks: Self.runbook(target: "198.51.100.5")) { fixture in
            let document = fixture.document(runbooks: Self.runbook(target: "198.51.100.7"))
                .replacingOccurrences(of: "token_env: DO_TOKEN", with: "token_env: NOT_SET_ANYWHERE")
            let response = try await fixture.reload(document)
            #expect(response.status == 422)
            #expect((try response.json()["error"] as? String)?.contains("providers.do-main") == true)
            #expect(try await fixture.alert("firing").status == 200)
            try await fixture.waitUntil("the old runbook ran") { fixture.linodeTargets == ["198.51.100.5"] }
        }
    }

    @Test("a runbook added acts on new incidents; a removed one no longer does; the outcome lists both")
    func addedAndRemoved() async throws {
        try await RunbookServiceFixture.run(runbooks: Self.runbook(target: "198.51.100.5")) { fixture in
            let response = try await fixture.reload(
                fixture.document(runbooks: Self.runbook("failover-eu-west", region: "eu-west", target: "198.51.100.8")))
            #expect(response.status == 200)
            let outcome = try response.json()
            #expect(outcome["succeeded"] as? Bool == true)
            #expect(outcome["runbooks_added"] as? [String] == ["failover-eu-west"])
            #expect(outcome["runbooks_removed"] as? [String] == ["failover-us-east"])
            #expect(outcome["restart_required"] as? [String] == [])
            #expect(try await fixture.alert("firing", region: "us-east").status == 200)
            #expect(try await fixture.alert("firing", region: "eu-west", fingerprint: "aa00aa00aa00aa00").status == 200)
            try await fixture.waitUntil("the added runbook ran") { fixture.linodeTargets == ["198.51.100.8"] }
            try await fixture.waitUntilIdle()
            let executions = try await fixture.executions()
            #expect(executions.map { $0["runbook"] as? String } == ["failover-eu-west"])
            let runbooks = try await fixture.get("/api/v1/runbooks").json()["runbooks"] as? [[String: Any]] ?? []
            #expect(runbooks.map { $0["name"] as? String } == ["failover-eu-west"])
            let events = try await reloadEvents(fixture)
            #expect(events.first?["outcome"] as? String == "success")
        }
    }

    @Test("a running execution is not interrupted by a reload that changes its runbook: it ends on its own steps")
    func runningKeepsItsSteps() async throws {
        let slow = Self.runbook(target: "198.51.100.5", before: "\n      - wait: 3s")
        try await RunbookServiceFixture.run(runbooks: slow) { fixture in
            #expect(try await fixture.alert("firing").status == 200)
            try await fixture.waitUntil("the execution is running") {
                try await fixture.executions().first?["state"] as? String == "running"
            }
            let response = try await fixture.reload(fixture.document(runbooks: Self.runbook(target: "198.51.100.9")))
            #expect(try response.json()["runbooks_changed"] as? [String] == ["failover-us-east"])
            try await fixture.waitUntilIdle()
            #expect(try await fixture.executions().first?["state"] as? String == "succeeded")
            #expect(fixture.linodeTargets == ["198.51.100.5"])
        }
    }

    @Test("an execution scheduled before a reload runs the definition it was scheduled with")
    func scheduledKeepsItsDefinition() async throws {
        // The execution waits min_firing before it runs; the test must see it scheduled and reload within that
        // time, which a loaded 2-core machine took more than 5 s to do.
        let waiting = Self.runbook(target: "198.51.100.5", minFiring: "20s")
        try await RunbookServiceFixture.run(runbooks: waiting) { fixture in
            #expect(try await fixture.alert("firing", startsAt: Self.now()).status == 200)
            try await fixture.waitUntil("the execution is scheduled") {
                try await fixture.executions().first?["state"] as? String == "scheduled"
            }
            let changed = fixture.document(runbooks: Self.runbook(target: "198.51.100.9", minFiring: "20s"))
            #expect(try await fixture.reload(changed).status == 200)
            try await fixture.waitUntil("the scheduled execution ran", timeout: .seconds(120)) {
                try await fixture.executions().first?["state"] as? String == "succeeded"
            }
            #expect(fixture.linodeTargets == ["198.51.100.5"])
        }
    }

    @Test("settings read only at start are reported as needing a restart, and the rest is applied")
    func restartRequired() async throws {
        try await RunbookServiceFixture.run(runbooks: Self.runbook(target: "198.51.100.5")) { fixture in
            let document = fixture.document(
                runbooks: Self.runbook(target: "198.51.100.7"), extra: "ingest:\n  max_batch_size: 7\n")
            let response = try await fixture.reload(document)
            #expect(response.status == 200)
            #expect(try response.json()["restart_required"] as? [String] == ["ingest.max_batch_size"])
            #expect(try await fixture.alert("firing").status == 200)
            try await fixture.waitUntil("the reloaded runbook ran") { fixture.linodeTargets == ["198.51.100.7"] }
        }
    }

    @Test("a reload needs the admin credential: 401 without one, 403 with the read or webhook credential")
    func needsAdmin() async throws {
        try await RunbookServiceFixture.run(runbooks: Self.runbook(target: "198.51.100.5")) { fixture in
            let document = fixture.document(runbooks: Self.runbook(target: "198.51.100.7"))
            let anonymous = try await fixture.reload(document, token: nil)
            let reader = try await fixture.reload(document, token: RunbookServiceFixture.readToken)
            let hook = try await fixture.reload(document, token: RunbookServiceFixture.webhookToken)
            let unknownParameter = try await fixture.post("/-/reload?force=1")
            #expect(anonymous.status == 401)
            #expect(reader.status == 403)
            #expect(hook.status == 403)
            #expect(unknownParameter.status == 400)
            #expect(try await reloadEvents(fixture).isEmpty)
        }
    }

    @Test("a service started without a configuration file answers 409 and changes nothing")
    func withoutFile() async throws {
        let fixture = try ServiceFixture()
        let response = try await TestHTTP.postJSON(port: fixture.port, "/-/reload", [])
        #expect(response.status == 409)
        #expect(String(decoding: response.body, as: UTF8.self).contains("without --config.file"))
        await fixture.stop()
    }
}
