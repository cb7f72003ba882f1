import FailoverHTTPServer
import FailoverTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Runbooks through the service, against fake Linode and DigitalOcean", .timeLimit(.minutes(2)))
struct RunbookAPITests {
    @Test("a firing webhook fails over at both providers once; resolved, it fails back after the hold")
    func failoverAndFailback() async throws {
        try await RunbookServiceFixture.run(runbooks: Runbooks.twoProviders) { fixture in
            #expect(try await fixture.alert("firing").status == 200)
            #expect(try await fixture.alert("firing").status == 200)
            try await fixture.waitUntil("failed over") {
                fixture.linodeTargets == ["198.51.100.5"] && fixture.digitaloceanTargets == ["198.51.100.6"]
            }
            try await fixture.waitUntilIdle()
            let runbooks = try await fixture.get("/api/v1/runbooks").json()["runbooks"] as? [[String: Any]]
            let key = (runbooks?.first?["keys"] as? [[String: Any]])?.first?["state"] as? [String: Any]
            #expect(key?["phase"] as? String == "failed_over")
            #expect(key?["activeSide"] as? String == "secondary")
            #expect(fixture.linode.writeRequestCount == 1 && fixture.digitalocean.writeRequestCount == 1)

            #expect(try await fixture.alert("resolved").status == 200)
            try await fixture.waitUntil("failed back") {
                fixture.linodeTargets == ["192.0.2.1"] && fixture.digitaloceanTargets == ["192.0.2.2"]
            }
            try await fixture.waitUntilIdle()
            let executions = try await fixture.executions()
            #expect(executions.map { $0["kind"] as? String } == ["failback", "failover"])
            #expect(executions.allSatisfy { $0["state"] as? String == "succeeded" })
            let detail = try await fixture.execution(try #require(executions.last?["id"] as? Int))
            let steps = try #require(detail["steps"] as? [[String: Any]])
            #expect(steps.map { $0["path"] as? String } == ["0", "0.0", "0.1"])
            let dnsDetail = try #require((steps[1]["detail"] as? String)?.data(using: .utf8))
            let facts = try #require(try JSONSerialization.jsonObject(with: dnsDetail) as? [String: Any])
            #expect(facts["before"] as? [String] == ["192.0.2.1 ttl=30"])
            #expect(facts["after"] as? [String] == ["198.51.100.5 ttl=30"])
            let types = try await fixture.auditTypes()
            for type in [
                "incident.opened", "runbook.scheduled", "runbook.started", "runbook.step_started",
                "runbook.step_finished",
                "runbook.finished", "incident.closed", "runbook.failback_scheduled", "runbook.state_changed",
            ] {
                #expect(types.contains(type), "\(type) is audited")
            }
            #expect(try await fixture.get("/api/v1/audit/verify").json()["intact"] as? Bool == true)
        }
    }

    @Test(
        "the admin credential acts; without it 401, with the read or webhook credential 403; reads take read or admin")
    func authorization() async throws {
        try await RunbookServiceFixture.run(runbooks: Runbooks.twoProviders) { fixture in
            let path = "/api/v1/runbooks/failover-us-east/pause"
            #expect(try await fixture.post(path, token: nil).status == 401)
            #expect(try await fixture.post(path, token: "wrong").status == 401)
            #expect(try await fixture.post(path, token: RunbookServiceFixture.readToken).status == 403)
            #expect(try await fixture.post(path, token: RunbookServiceFixture.webhookToken).status == 403)
            #expect(try await fixture.post(path, #"{"reason":"maintenance"}"#).status == 200)
            #expect(try await fixture.get("/api/v1/runbooks", token: RunbookServiceFixture.adminToken).status == 200)
            #expect(try await fixture.get("/api/v1/runbooks", token: nil).status == 401)
            #expect(try await fixture.get("/api/v1/runbooks", token: RunbookServiceFixture.webhookToken).status == 403)
            let paused = try await fixture.get("/api/v1/audit?type=runbook.paused").json()["events"] as? [[String: Any]]
            #expect(paused?.first?["actor"] as? String == "admin:bearer")
        }
    }

    @Test("bad input is 400 naming the field, unknown names 404, forbidden actions 409 saying why; nothing changes")
    func badInput() async throws {
        try await RunbookServiceFixture.run(runbooks: Runbooks.twoProviders) { fixture in
            let execute = "/api/v1/runbooks/failover-us-east/execute"
            let cases: [(String, String, Int, String)] = [
                (execute, "{", 400, "JSON object"),
                (execute, #"{"labels":{}}"#, 400, "labels.region is required"),
                (execute, #"{"labels":{"region":"us-east","zone":"a"}}"#, 400, "labels.zone is not a key label"),
                (execute, #"{"labels":{"region":5}}"#, 400, "labels.region must be a string"),
                (execute, #"{"labels":{"region":"us-east"},"dry_run":"yes"}"#, 400, "dry_run\" must be true or false"),
                (execute, #"{"labels":{"region":"us-east"},"hurry":true}"#, 400, "unknown field \"hurry\""),
                ("/api/v1/runbooks/nope/execute", #"{"labels":{"region":"us-east"}}"#, 404, "no runbook \"nope\""),
                (
                    "/api/v1/runbooks/failover-us-east/failback", #"{"labels":{"region":"us-east"}}"#, 409,
                    "not failed over"
                ),
                ("/api/v1/runbooks/failover-us-east/resume", "", 409, "not paused"),
                ("/api/v1/executions/999/cancel", "", 404, "no execution 999"),
                ("/api/v1/executions/abc/cancel", "", 400, "not an execution id"),
            ]
            for (path, body, status, fragment) in cases {
                let response = try await fixture.post(path, body)
                #expect(response.status == status, "\(path) \(body)")
                let json = try response.json()
                #expect((json["message"] as? String)?.contains(fragment) == true, "\(path) \(body): \(json)")
            }
            #expect(try await fixture.get("/api/v1/executions?state=weird").status == 400)
            #expect(try await fixture.get("/api/v1/executions/12345").status == 404)
            #expect(try await fixture.executions().isEmpty)
            #expect(fixture.linode.writeRequestCount == 0)
        }
    }

    @Test(
        "operator execute with dry run reports the plan and writes nothing; a real one fails over; cancel of an ended one is 409"
    )
    func operatorExecute() async throws {
        // Manual failback: with the automatic one (a 200 ms hold) the key could fail back before it is looked at.
        let runbooks = Runbooks.twoProviders.replacingOccurrences(of: "mode: auto", with: "mode: manual")
        try await RunbookServiceFixture.run(runbooks: runbooks) { fixture in
            let execute = "/api/v1/runbooks/failover-us-east/execute"
            let dry = try await fixture.post(execute, #"{"labels":{"region":"us-east"},"dry_run":true}"#)
            #expect(dry.status == 202)
            try await fixture.waitUntilIdle()
            #expect(fixture.linode.writeRequestCount == 0 && fixture.digitalocean.writeRequestCount == 0)
            let dryID = try #require(try dry.json()["execution"] as? Int)
            let dryDetail = try await fixture.execution(dryID)
            #expect(dryDetail["dryRun"] as? Bool == true && dryDetail["state"] as? String == "succeeded")
            let real = try await fixture.post(execute, #"{"labels":{"region":"us-east"}}"#)
            #expect(real.status == 202)
            #expect(try real.json()["phase"] as? String == "failing_over")
            try await fixture.waitUntilIdle()
            #expect(fixture.linodeTargets == ["198.51.100.5"])
            let again = try await fixture.post(execute, #"{"labels":{"region":"us-east"}}"#)
            #expect(again.status == 409)
            let id = try #require(try real.json()["execution"] as? Int)
            #expect(try await fixture.post("/api/v1/executions/\(id)/cancel").status == 409)
            let actions = try await fixture.get("/api/v1/audit?type=manual.action").json()["events"] as? [[String: Any]]
            #expect(actions?.count == 4)
        }
    }

    @Test("provider faults mid-runbook: a 429 storm and 5xx bursts are waited out, no double write")
    func providerFaultsRecover() async throws {
        try await RunbookServiceFixture.run(runbooks: Runbooks.twoProviders, maxAttempts: 6) { fixture in
            fixture.linode.inject(.rateLimited(retryAfterSeconds: 1), times: 3)
            fixture.digitalocean.inject(.serverError(status: 503), times: 2, method: .put)
            try await fixture.alert("firing")
            try await fixture.waitUntil("failed over") {
                fixture.linodeTargets == ["198.51.100.5"] && fixture.digitaloceanTargets == ["198.51.100.6"]
            }
            try await fixture.waitUntilIdle()
            #expect(try await fixture.executions().first?["state"] as? String == "succeeded")
            // One record each: the retried writes did not create duplicates.
            #expect(fixture.linode.records(zone: "example.com", name: "app", type: "A").count == 1)
            #expect(fixture.digitalocean.records(zone: "example.org", name: "app", type: "A").count == 1)
        }
    }

    @Test("a provider that does not answer in time is retried; the set lands once")
    func providerTimeoutRecovers() async throws {
        try await RunbookServiceFixture.run(runbooks: Runbooks.twoProviders, providerTimeout: "1s") { fixture in
            fixture.linode.inject(.slowAnswer(.seconds(4)), times: 1, method: .put)
            try await fixture.alert("firing")
            try await fixture.waitUntil("failed over") { fixture.linodeTargets == ["198.51.100.5"] }
            try await fixture.waitUntilIdle()
            #expect(try await fixture.executions().first?["state"] as? String == "succeeded")
            #expect(fixture.linode.requestCount(.put) >= 2, "the cut-off PUT was sent again")
            #expect(fixture.linode.records(zone: "example.com", name: "app", type: "A").count == 1)
        }
    }

    @Test("a provider that keeps failing fails the execution clearly, and the key is failed for an operator")
    func providerFaultGivesUp() async throws {
        try await RunbookServiceFixture.run(runbooks: Runbooks.twoProviders, providerTimeout: "1s", maxAttempts: 2) {
            fixture in
            fixture.digitalocean.inject(.serverError(status: 500), times: 100)
            try await fixture.alert("firing")
            try await fixture.waitUntilIdle()
            let execution = try #require(try await fixture.executions().first)
            #expect(execution["state"] as? String == "failed")
            #expect((execution["error"] as? String)?.contains("do-main") == true)
            #expect(fixture.linodeTargets == ["198.51.100.5"], "the other provider's parallel step still landed")
            let runbooks = try await fixture.get("/api/v1/runbooks").json()["runbooks"] as? [[String: Any]]
            let key = (runbooks?.first?["keys"] as? [[String: Any]])?.first?["state"] as? [String: Any]
            #expect(key?["phase"] as? String == "failed")
            #expect(try await fixture.auditTypes().contains("runbook.failed"))
        }
    }

    @Test("a round-robin set whose second write is refused reports what it applied; the retry reconciles")
    func halfAppliedSet() async throws {
        let runbook = """
              rr:
                match: ['alertname="PrimaryRegionUnhealthy"']
                key_labels: [region]
                steps:
                  - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [198.51.100.5, 198.51.100.7], ttl: 30}
            """
        try await RunbookServiceFixture.run(runbooks: runbook, maxAttempts: 1) { fixture in
            // The update in place lands, the create of the second address is refused (a 400 is definite: no retry).
            fixture.linode.inject(.serverError(status: 400), times: 1, method: .post)
            try await fixture.alert("firing")
            try await fixture.waitUntilIdle()
            let failed = try #require(try await fixture.executions().first)
            #expect(failed["state"] as? String == "failed")
            let steps = try await fixture.execution(try #require(failed["id"] as? Int))["steps"] as? [[String: Any]]
            let detailText = try #require(steps?.first?["detail"] as? String)
            let detail = try #require(try JSONSerialization.jsonObject(with: Data(detailText.utf8)) as? [String: Any])
            #expect((detail["applied"] as? [String])?.count == 1, "the update landed before the create was refused")
            #expect((detail["planned"] as? [String])?.count == 2)
            #expect(detail["before"] as? [String] == ["192.0.2.1 ttl=30"])
            #expect((steps?.first?["summary"] as? String)?.contains("applied 1 of 2") == true)
            // The operator runs it again: it reads what is there now and only creates the missing record.
            let writesBefore = fixture.linode.writeRequestCount
            let again = try await fixture.post(
                "/api/v1/runbooks/rr/execute", #"{"labels":{"region":"us-east"},"force":true}"#)
            #expect(again.status == 202)
            try await fixture.waitUntilIdle()
            #expect(fixture.linodeTargets == ["198.51.100.5", "198.51.100.7"])
            #expect(fixture.linode.writeRequestCount - writesBefore == 1)
        }
    }
}

@Suite("Runbook exec and http steps through the service", .timeLimit(.minutes(2)))
struct RunbookStepIdentityTests {
    @Test(
        "exec gets argv with rendered templates and FAILOVERD_* in its environment; http gets an Idempotency-Key and a JSON-escaped body"
    )
    func identity() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let received = ReceivedRequests()
        var router = HTTPRouter()
        router.on(.post, "/notify") { request in
            received.append(request)
            return .text("ok", contentType: "text/plain")
        }
        let (logger, _) = InMemoryLogHandler.logger()
        let hook = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: router, logger: logger)
        try hook.start()
        let envFile = directory.file("env.txt")
        let runbook = """
              notify:
                match: ['alertname="PrimaryRegionUnhealthy"']
                key_labels: [region]
                steps:
                  - exec: {command: ["/bin/sh", "-c", "env > \(envFile); echo promoted {{ labels.region }}", "ignored"], timeout: 10s}
                  - http: {method: POST, url: "http://127.0.0.1:\(hook.port)/notify", body: '{"text":"failover {{ runbook }} for {{ annotations.summary }}"}'}
            """
        do {
            try await RunbookServiceFixture.run(runbooks: runbook) { fixture in
                try await fixture.alert("firing")
                try await fixture.waitUntilIdle()
                let execution = try #require(try await fixture.executions().first)
                #expect(execution["state"] as? String == "succeeded")
                let id = try #require(execution["id"] as? Int)
                let environment = try String(contentsOfFile: envFile, encoding: .utf8)
                #expect(environment.contains("FAILOVERD_LABEL_REGION=us-east"))
                #expect(environment.contains("FAILOVERD_LABEL_ALERTNAME=PrimaryRegionUnhealthy"))
                #expect(environment.contains("FAILOVERD_EXECUTION_ID=\(id)"))
                #expect(environment.contains("FAILOVERD_STEP_ID=0"))
                #expect(!environment.contains("TOKEN"), "no secret of failoverd's environment reaches the program")
                let steps = try #require(try await fixture.execution(id)["steps"] as? [[String: Any]])
                let detail = try #require(steps.first?["detail"] as? String)
                #expect(detail.contains("promoted us-east"))
                let request = try #require(received.all.first)
                #expect(request.headers["Idempotency-Key"] == "failoverd-\(id)-1")
                let body = try #require(
                    try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: String])
                #expect(body["text"] == "failover notify for Primary region us-east is unhealthy")
            }
        } catch {
            await hook.shutdown(gracePeriod: .seconds(1))
            throw error
        }
        await hook.shutdown(gracePeriod: .seconds(1))
    }
}

/// Requests a test server received.
final class ReceivedRequests: Sendable {
    private let requests = Mutex<[HTTPRequest]>([])
    func append(_ request: HTTPRequest) { requests.withLock { $0.append(request) } }
    var all: [HTTPRequest] { requests.withLock { $0 } }
}
