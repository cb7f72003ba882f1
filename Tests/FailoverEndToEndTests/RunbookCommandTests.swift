import FailoverTestSupport
import Foundation
import Testing

/// `failoverd runbooks|run|failback|pause|resume|cancel|executions`, run as a binary against a real
/// `failoverd serve` whose runbooks change records at a fake DNS provider; and `check-config` on runbooks.
@Suite("failoverd runbook commands against a running service", .serialized)
struct RunbookCommandTests {
    static let adminToken = "admin-secret-token"
    static let readToken = "read-secret-token"

    /// A `failoverd serve` with two runbooks (`failover-app`: one DNS step, manual failback; `slow-app`: three
    /// two-second waits), read and admin tokens, and a fake DigitalOcean holding `app.example.com A 192.0.2.10`.
    struct RunningService {
        let directory: TemporaryDirectory
        let fake: FakeDNSProviderServer
        let serve: ServeProcess

        var url: String { "http://127.0.0.1:\(serve.port)" }
        var admin: [String: String] { ["FAILOVERD_ADMIN_TOKEN": RunbookCommandTests.adminToken] }
        var reader: [String: String] { ["FAILOVERD_READ_TOKEN": RunbookCommandTests.readToken] }

        static func start() async throws -> RunningService {
            let directory = try TemporaryDirectory()
            let fake = try FakeDNSProviderServer.startedWithAppRecord(flavor: .digitalOcean, token: "provider-token")
            try directory.write("admin.token", RunbookCommandTests.adminToken + "\n")
            try directory.write("read.token", RunbookCommandTests.readToken + "\n")
            try directory.write("provider.token", "provider-token\n")
            let config = try directory.write(
                "failoverd.yml",
                """
                server:
                  auth:
                    read:
                      bearer_token_file: read.token
                    admin:
                      bearer_token_file: admin.token
                providers:
                  main:
                    type: digitalocean
                    token_file: provider.token
                    base_url: \(fake.baseURL)
                    max_attempts: 2
                runbooks:
                  failover-app:
                    match:
                      - alertname="AppDown"
                    key_labels: [region]
                    steps:
                      - name: secondary
                        dns:
                          provider: main
                          zone: example.com
                          name: app
                          type: A
                          targets: [198.51.100.5]
                          ttl: 300
                    failback:
                      mode: manual
                      hold: 0s
                      steps:
                        - dns:
                            provider: main
                            zone: example.com
                            name: app
                            type: A
                            targets: [192.0.2.10]
                            ttl: 300
                  slow-app:
                    match:
                      - alertname="SlowDown"
                    key_labels: [region]
                    steps:
                      - wait: 2s
                      - wait: 2s
                      - wait: 2s
                engine:
                  lease: 3s
                  poll_interval: 100ms
                """)
            do {
                let serve = try await ServeProcess(directory: directory, extraArguments: ["--config.file", config])
                return RunningService(directory: directory, fake: fake, serve: serve)
            } catch {
                await fake.stop()
                directory.remove()
                throw error
            }
        }

        func stop() async {
            await serve.process.stop()
            await fake.stop()
            directory.remove()
        }

        /// Runs `failoverd` with `arguments` and `--url` of this service, tokens from `environment` only.
        func failoverd(
            _ arguments: [String], _ environment: [String: String]
        ) async throws -> (
            status: Int32, output: String
        ) {
            let clean = ["FAILOVERD_ADMIN_TOKEN": "", "FAILOVERD_READ_TOKEN": ""].merging(environment) { $1 }
            return try await runFailoverd(arguments + ["--url", url], environment: clean)
        }

        /// The targets of `app.example.com A` at the fake.
        var appTargets: [String] { fake.records(zone: "example.com", name: "app", type: "A").map(\.target) }
    }

    /// Runs `body` against a fresh service, stopped afterwards whatever happens.
    static func withService(_ body: (RunningService) async throws -> Void) async throws {
        let service = try await RunningService.start()
        do {
            try await body(service)
        } catch {
            await service.stop()
            throw error
        }
        await service.stop()
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test("runbooks, run (dry run and for real) with --wait, executions, failback: people's and JSON output")
    func failoverAndFailback() async throws {
        try await Self.withService { service in

            let empty = try await service.failoverd(["runbooks"], service.reader)
            #expect(empty.status == 0, "\(empty.output)")
            #expect(empty.output.contains("runbook failover-app\n"), "\(empty.output)")
            #expect(
                empty.output.contains(
                    #"  match alertname="AppDown"; key region; 1 step; failback manual after 0s (1 step)"#),
                "\(empty.output)")
            #expect(empty.output.contains("runbook slow-app\n"))
            #expect(empty.output.contains("  no key has fired or been acted on yet"))

            let emptyJSON = try await service.failoverd(["runbooks", "--output", "json"], service.reader)
            #expect(emptyJSON.status == 0, "\(emptyJSON.output)")
            let runbooks = try #require(try Self.json(emptyJSON.output)["runbooks"] as? [[String: Any]])
            #expect(runbooks.map { $0["name"] as? String } == ["failover-app", "slow-app"])
            #expect(runbooks.first?["keyLabels"] as? [String] == ["region"])

            let dryRun = try await service.failoverd(
                ["run", "failover-app", "--label", "region=us-east", "--dry-run", "--wait"], service.admin)
            #expect(dryRun.status == 0, "\(dryRun.output)")
            #expect(dryRun.output.contains("dry-run failover execution 1 scheduled for failover-app region=us-east"))
            #expect(dryRun.output.contains("execution 1: failover of failover-app for region=us-east: succeeded"))
            #expect(dryRun.output.contains("dry run"))
            #expect(dryRun.output.contains("before 192.0.2.10 ttl=300 -> after 192.0.2.10 ttl=300"), "\(dryRun.output)")
            #expect(service.appTargets == ["192.0.2.10"], "a dry run changes nothing")
            #expect(service.fake.writeRequestCount == 0)

            let failover = try await service.failoverd(
                ["run", "failover-app", "--label", "region=us-east", "--wait"], service.admin)
            #expect(failover.status == 0, "\(failover.output)")
            #expect(
                failover.output.contains(
                    "failover execution 2 scheduled for failover-app region=us-east; the key is failing_over"),
                "\(failover.output)")
            #expect(failover.output.contains("execution 2: failover of failover-app for region=us-east: succeeded"))
            #expect(failover.output.contains("requested by admin:bearer"))
            #expect(failover.output.contains("STEP"), "the step timeline")
            #expect(failover.output.contains("0 secondary"), "\(failover.output)")
            #expect(
                failover.output.contains("before 192.0.2.10 ttl=300 -> after 198.51.100.5 ttl=300"),
                "\(failover.output)")
            #expect(service.appTargets == ["198.51.100.5"])

            let failedOver = try await service.failoverd(["runbooks"], service.reader)
            #expect(failedOver.status == 0, "\(failedOver.output)")
            let keyLine = try #require(
                failedOver.output.split(separator: "\n").first { $0.hasPrefix("  region=us-east") },
                "\(failedOver.output)")
            #expect(keyLine.contains("failed_over"))
            #expect(keyLine.contains("secondary"))
            #expect(failedOver.output.contains("  last executions of region=us-east:"))
            #expect(
                failedOver.output.split(separator: "\n").contains {
                    $0.hasPrefix("    2 ") && $0.contains("succeeded")
                },
                "\(failedOver.output)")

            let again = try await service.failoverd(
                ["run", "failover-app", "--label", "region=us-east"], service.admin)
            #expect(again.status == 1)
            #expect(
                again.output.contains(
                    "the key is already failed over; fail back first, or force to run the failover steps again "
                        + "(409 state_conflict)"),
                "\(again.output)")

            let list = try await service.failoverd(["executions"], service.reader)
            #expect(list.status == 0, "\(list.output)")
            #expect(list.output.hasPrefix("ID  RUNBOOK       KEY             KIND      STATE"), "\(list.output)")
            let rows = list.output.split(separator: "\n").dropFirst()
            #expect(rows.count == 2)
            #expect(
                rows.first?.hasPrefix("2   failover-app  region=us-east  failover  succeeded  ") == true,
                "\(list.output)")
            #expect(rows.last?.contains("succeeded (dry run)") == true)

            let listJSON = try await service.failoverd(
                ["executions", "--runbook", "failover-app", "--limit", "1", "--output", "json"], service.reader)
            #expect(listJSON.status == 0, "\(listJSON.output)")
            let listed = try Self.json(listJSON.output)
            let executions = try #require(listed["executions"] as? [[String: Any]])
            #expect(executions.count == 1)
            #expect(executions.first?["id"] as? Int == 2)
            #expect(listed["next"] as? String == "2", "a full page names the next cursor")

            let detail = try await service.failoverd(["executions", "2"], service.reader)
            #expect(detail.status == 0, "\(detail.output)")
            #expect(detail.output.hasPrefix("execution 2: failover of failover-app for region=us-east: succeeded\n"))
            #expect(detail.output.contains("  STEP         KIND  STATE      ATTEMPTS  SUMMARY"), "\(detail.output)")

            let detailJSON = try await service.failoverd(["executions", "2", "--output", "json"], service.reader)
            let steps = try #require(try Self.json(detailJSON.output)["steps"] as? [[String: Any]])
            #expect(steps.map { $0["kind"] as? String } == ["dns"])
            #expect(steps.first?["state"] as? String == "succeeded")

            let failback = try await service.failoverd(
                ["failback", "failover-app", "--label", "region=us-east", "--wait", "--output", "json"], service.admin)
            #expect(failback.status == 0, "\(failback.output)")
            let failbackExecution = try Self.json(failback.output)
            #expect(failbackExecution["kind"] as? String == "failback")
            #expect(failbackExecution["state"] as? String == "succeeded")
            #expect(service.appTargets == ["192.0.2.10"])

            let nothingToFailBack = try await service.failoverd(
                ["failback", "failover-app", "--label", "region=us-east"], service.admin)
            #expect(nothingToFailBack.status == 1)
            #expect(
                nothingToFailBack.output.contains(
                    "the key is not failed over: the primary is active, nothing to fail back (409 state_conflict)"),
                "\(nothingToFailBack.output)")
        }
    }

    @Test("401 without a token or with a wrong one, 403 with the read token for an action, 404, 400, 409")
    func refusals() async throws {
        try await Self.withService { service in

            let noToken = try await service.failoverd(["runbooks"], [:])
            #expect(noToken.status == 1)
            #expect(noToken.output.contains("(401)"), "\(noToken.output)")
            #expect(noToken.output.contains("FAILOVERD_READ_TOKEN"))
            #expect(noToken.output.contains("no token is set"))

            let adminReads = try await service.failoverd(["runbooks"], service.admin)
            #expect(adminReads.status == 0, "the admin token also reads: \(adminReads.output)")

            let wrongAdmin = try await service.failoverd(
                ["run", "failover-app", "--label", "region=us-east"], ["FAILOVERD_ADMIN_TOKEN": "not-the-token"])
            #expect(wrongAdmin.status == 1)
            #expect(wrongAdmin.output.contains("(401)"), "\(wrongAdmin.output)")
            #expect(wrongAdmin.output.contains("the token in FAILOVERD_ADMIN_TOKEN was not accepted"))
            #expect(!wrongAdmin.output.contains("not-the-token"), "a token never appears in output")

            let readForAction = try await service.failoverd(
                ["pause", "failover-app"],
                ["FAILOVERD_ADMIN_TOKEN": Self.readToken, "FAILOVERD_READ_TOKEN": Self.readToken])
            #expect(readForAction.status == 1)
            #expect(readForAction.output.contains("(403)"), "\(readForAction.output)")
            #expect(
                readForAction.output.contains(
                    "actions need the server.auth.admin bearer token in FAILOVERD_ADMIN_TOKEN"))

            let unknown = try await service.failoverd(["run", "nope", "--label", "region=x"], service.admin)
            #expect(unknown.status == 1)
            #expect(
                unknown.output.contains(#"no runbook "nope"; configured: failover-app, slow-app (404 not_found)"#),
                "\(unknown.output)")

            let noLabel = try await service.failoverd(["run", "failover-app"], service.admin)
            #expect(noLabel.status == 1)
            #expect(
                noLabel.output.contains(
                    "labels.region is required: runbook failover-app is keyed by region (400 bad_field)"),
                "\(noLabel.output)")

            let otherLabel = try await service.failoverd(
                ["run", "failover-app", "--label", "region=a", "--label", "site=b"], service.admin)
            #expect(otherLabel.status == 1)
            #expect(otherLabel.output.contains("labels.site is not a key label of runbook failover-app"))

            let badLabel = try await service.failoverd(["run", "failover-app", "--label", "region"], service.admin)
            #expect(badLabel.status == 64, "a label without = is refused before any request: \(badLabel.output)")

            let noExecution = try await service.failoverd(["executions", "999"], service.reader)
            #expect(noExecution.status == 1)
            #expect(noExecution.output.contains("no execution 999 (404 not_found)"), "\(noExecution.output)")

            #expect(service.fake.writeRequestCount == 0, "no refused action reached the provider")
        }
    }

    @Test("pause and resume (twice is a 409), a paused runbook refuses run, cancel a running execution")
    func pauseResumeCancel() async throws {
        try await Self.withService { service in

            let pause = try await service.failoverd(
                ["pause", "failover-app", "--reason", "maintenance"], service.admin)
            #expect(pause.status == 0, "\(pause.output)")
            #expect(pause.output == "runbook failover-app paused: maintenance\n")

            let paused = try await service.failoverd(["runbooks"], service.reader)
            #expect(
                paused.output.contains("runbook failover-app: PAUSED since "), "\(paused.output)")
            #expect(paused.output.contains(" by admin:bearer (maintenance)\n"))

            let pauseAgain = try await service.failoverd(["pause", "failover-app", "--output", "json"], service.admin)
            #expect(pauseAgain.status == 1)
            #expect(pauseAgain.output.contains("runbook failover-app is already paused (409 state_conflict)"))

            let refused = try await service.failoverd(["run", "failover-app", "--label", "region=eu"], service.admin)
            #expect(refused.status == 1)
            #expect(refused.output.contains("the runbook is paused; resume it, or force (409 state_conflict)"))

            let resume = try await service.failoverd(["resume", "failover-app", "--output", "json"], service.admin)
            #expect(resume.status == 0, "\(resume.output)")
            #expect(try Self.json(resume.output)["paused"] as? Bool == false)
            let resumeAgain = try await service.failoverd(["resume", "failover-app"], service.admin)
            #expect(resumeAgain.status == 1)
            #expect(resumeAgain.output.contains("runbook failover-app is not paused (409 state_conflict)"))

            let slow = try await service.failoverd(
                ["run", "slow-app", "--label", "region=eu", "--output", "json"], service.admin)
            #expect(slow.status == 0, "\(slow.output)")
            let id = try #require(try Self.json(slow.output)["execution"] as? Int)
            try await Self.waitForState(service, id, ["running"])
            let cancel = try await service.failoverd(["cancel", "\(id)"], service.admin)
            #expect(cancel.status == 0, "\(cancel.output)")
            #expect(cancel.output == "execution \(id): cancel requested; it stops at its next step boundary\n")
            try await Self.waitForState(service, id, ["cancelled"])

            let cancelled = try await service.failoverd(["executions", "\(id)"], service.reader)
            #expect(cancelled.output.contains("execution \(id): failover of slow-app for region=eu: cancelled"))
            #expect(cancelled.output.contains("cancel requested by admin:bearer"), "\(cancelled.output)")

            let cancelAgain = try await service.failoverd(["cancel", "\(id)"], service.admin)
            #expect(cancelAgain.status == 1)
            #expect(
                cancelAgain.output.contains("execution \(id) has already ended: cancelled (409 state_conflict)"),
                "\(cancelAgain.output)")
        }
    }

    /// Polls the execution through the CLI until its state is one of `states`.
    static func waitForState(_ service: RunningService, _ id: Int, _ states: Set<String>) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        var last = ""
        while ContinuousClock.now < deadline {
            let answer = try await service.failoverd(["executions", "\(id)", "--output", "json"], service.reader)
            last = answer.output
            if let state = try? Self.json(answer.output)["state"] as? String, states.contains(state) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("execution \(id) never reached \(states.sorted()): \(last)")
    }

    @Test("check-config lists the runbooks and every warning with its location, and exits 0")
    func checkConfigRunbooks() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            "failoverd.yml",
            """
            providers:
              main:
                type: linode
                token_env: LINODE_TOKEN
            runbooks:
              failover-us-east:
                match:
                  - alertname="BackendDown"
                  - region=~"us-.*"
                key_labels: [region]
                min_firing: 1m
                steps:
                  - http_check:
                      url: https://secondary.example.com/healthz
                  - parallel:
                      - dns:
                          provider: main
                          zone: example.com
                          name: app
                          type: A
                          targets: [198.51.100.5]
                          ttl: 60
                      - wait: 5s
                failback:
                  mode: auto
                  hold: 30s
                  steps:
                    - dns:
                        provider: main
                        zone: example.com
                        name: app
                        type: A
                        targets: [192.0.2.10]
                        ttl: 60
                max_executions: {count: 3, per: 1h}
              notify-only:
                match:
                  - alertname="Other"
                steps:
                  - wait: 1s
                failback:
                  mode: manual
                  hold: 59s
                  steps:
                    - wait: 1s
            """)
        let (status, output) = try await runFailoverd(["check-config", "--config.file", path])
        #expect(status == 0, "warnings are not problems: \(output)")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(output)")
        #expect(
            lines.first
                == "\(path): SUCCESS: listen 127.0.0.1:9095, storage data/failoverd.db, webhook auth off, "
                + "1 provider account, 2 runbooks, 2 warnings")
        #expect(
            lines.dropFirst().first
                == #"  runbook failover-us-east: match alertname="BackendDown", region=~"us-.*"; key region; "#
                + "steps http_check, parallel(dns, wait); min firing 1m; failback auto after 30s: dns; "
                + "at most 3 failovers per 1h",
            "\(output)")
        #expect(
            lines.dropFirst(2).first
                == #"  runbook notify-only: match alertname="Other"; key alertname; steps wait; "#
                + "failback manual after 59s: wait",
            "\(output)")
        let warnings = Array(lines.dropFirst(3))
        #expect(
            warnings.first?.hasPrefix("  \(path):26:13: runbooks.failover-us-east.failback.hold: warning: hold ")
                == true, "\(output)")
        #expect(
            warnings.last?.hasPrefix("  \(path):43:13: runbooks.notify-only.failback.hold: warning: hold ") == true,
            "\(output)")
        #expect(warnings.allSatisfy { $0.contains("is shorter than ingest.reopen_window") })
    }
}
