import FailoverConfig
import FailoverTestSupport
import Foundation
import Testing

/// The runbook, DNS and process metrics on `/metrics`: exact families where the values are decided by the
/// scenario, promtool's lint, bounded labels and no secret.
@Suite("Metrics of runbooks, DNS providers and the process", .timeLimit(.minutes(2)))
struct RunbookMetricsTests {
    static func metrics(_ fixture: RunbookServiceFixture) async throws -> String {
        try await fixture.get("/metrics").text
    }

    @Test("after a failover: the key is failed_over, the incident open, DNS requests counted by account and code")
    func afterFailover() async throws {
        try await RunbookServiceFixture.run(runbooks: Runbooks.twoProviders) { fixture in
            #expect(try await fixture.alert("firing").status == 200)
            try await fixture.waitUntilIdle()
            let text = try await Self.metrics(fixture)
            #expect(
                OperatorAPITests.family("failoverd_runbook_keys", in: text) == """
                    # HELP failoverd_runbook_keys Runbook keys by state; failed_over or failing_back means the secondary side serves.
                    # TYPE failoverd_runbook_keys gauge
                    failoverd_runbook_keys{runbook="failover-us-east",state="failed"} 0.0
                    failoverd_runbook_keys{runbook="failover-us-east",state="failed_over"} 1.0
                    failoverd_runbook_keys{runbook="failover-us-east",state="failing_back"} 0.0
                    failoverd_runbook_keys{runbook="failover-us-east",state="failing_over"} 0.0
                    failoverd_runbook_keys{runbook="failover-us-east",state="normal"} 0.0
                    """)
            #expect(text.contains("failoverd_incidents_open{runbook=\"failover-us-east\"} 1.0\n"))
            #expect(text.contains("failoverd_runbook_executions_waiting{runbook=\"failover-us-east\"} 0.0\n"))
            #expect(text.contains("failoverd_runbook_paused{runbook=\"failover-us-east\"} 0.0\n"))
            #expect(
                text.contains(
                    "failoverd_runbook_executions_total{runbook=\"failover-us-east\",kind=\"failover\",outcome=\"succeeded\"} 1\n"
                ))
            #expect(
                text.contains(
                    "failoverd_runbook_last_success_timestamp_seconds{runbook=\"failover-us-east\",kind=\"failover\"} ")
            )
            for provider in ["linode-main", "do-main"] {
                #expect(
                    text.contains(
                        "failoverd_dns_requests_total{provider=\"\(provider)\",operation=\"read\",code=\"200\"} "))
                #expect(
                    text.contains(
                        "failoverd_dns_request_duration_seconds_count{provider=\"\(provider)\",operation=\"read\"} "))
            }
            #expect(!text.contains("code=\"error\""))
            #expect(!text.contains("failoverd_dns_request_retries_total{"))
            for name in [
                "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_cpu_seconds_total",
                "process_open_fds", "process_max_fds", "process_start_time_seconds", "failoverd_database_size_bytes",
                "failoverd_heap_allocated_bytes", "failoverd_heap_free_bytes", "failoverd_sqlite_memory_bytes",
            ] {
                #expect(text.contains("\n\(name) "), "\(name)")
            }
            // Bounded labels: nothing from the alert but the runbook's name, and no secret.
            for forbidden in [
                "7f3afce3415c4ace", "10.0.0.1", "PrimaryRegionUnhealthy", "linode-token", "do-token",
                RunbookServiceFixture.adminToken, RunbookServiceFixture.readToken, RunbookServiceFixture.webhookToken,
                "127.0.0.1",
            ] {
                #expect(!text.contains(forbidden), "\(forbidden) on /metrics")
            }
            try PromtoolCheck.metrics(text, in: fixture.service.directory)
        }
    }

    @Test("a paused runbook: the pause gauge is 1 and its suppressed execution is counted by reason")
    func pausedAndSuppressed() async throws {
        try await RunbookServiceFixture.run(runbooks: Runbooks.twoProviders) { fixture in
            #expect(
                try await fixture.post("/api/v1/runbooks/failover-us-east/pause", #"{"reason":"maintenance"}"#).status
                    == 200)
            #expect(try await fixture.alert("firing").status == 200)
            try await fixture.waitUntil("the execution is suppressed") {
                try await fixture.executions().first?["state"] as? String == "suppressed"
            }
            let text = try await Self.metrics(fixture)
            #expect(text.contains("failoverd_runbook_paused{runbook=\"failover-us-east\"} 1.0\n"))
            #expect(
                OperatorAPITests.family("failoverd_runbook_executions_suppressed_total", in: text) == """
                    # HELP failoverd_runbook_executions_suppressed_total Executions suppressed (paused runbook, flap guard, failed key), by runbook and reason.
                    # TYPE failoverd_runbook_executions_suppressed_total counter
                    failoverd_runbook_executions_suppressed_total{runbook="failover-us-east",reason="key_failed"} 0
                    failoverd_runbook_executions_suppressed_total{runbook="failover-us-east",reason="max_executions"} 0
                    failoverd_runbook_executions_suppressed_total{runbook="failover-us-east",reason="paused"} 1
                    """)
            // A second scrape does not count it again.
            #expect(try await Self.metrics(fixture).contains("reason=\"paused\"} 1\n"))
        }
    }

    @Test("prometheus/metric-names.txt, which the rules and the dashboard are checked against, is what /metrics has")
    func namesListed() async throws {
        let listed = try String(contentsOfFile: PackagePaths.root + "/prometheus/metric-names.txt", encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
            .reduce(into: [String: String]()) { names, line in
                let parts = line.split(separator: " ")
                names[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
        try await RunbookServiceFixture.run(runbooks: Runbooks.twoProviders) { fixture in
            // One 503 from Linode: retried, so that the retry counter exists too.
            fixture.linode.inject(.serverError(status: 503), method: .get)
            #expect(try await fixture.alert("firing").status == 200)
            try await fixture.waitUntilIdle()
            _ = try await fixture.reload("runbooks: [")
            let text = try await Self.metrics(fixture)
            var exported: [String: String] = [:]
            for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                exported[String(parts[2])] = String(parts[3])
            }
            for (name, type) in exported {
                #expect(
                    listed[name] == type,
                    "\(name) (\(type)) is exported but metric-names.txt says \(listed[name] ?? "nothing")")
            }
            for (name, _) in listed where name != "up" {
                #expect(exported[name] != nil, "\(name) is in metric-names.txt but not on /metrics after a failover")
            }
        }
    }

    @Test("with server.auth.protect_metrics, /metrics needs the read credential")
    func protectedMetrics() async throws {
        let fixture = try ServiceFixture(
            read: CredentialSettings(bearerToken: .environment("READ_TOKEN")), environment: ["READ_TOKEN": "r-1"],
            configure: { configuration in configuration.server.auth.protectMetrics = true })
        #expect(try await fixture.get("/metrics").status == 401)
        #expect(try await fixture.get("/metrics", headers: [("Authorization", "Bearer wrong")]).status == 401)
        let allowed = try await fixture.get("/metrics", headers: [("Authorization", "Bearer r-1")])
        #expect(allowed.status == 200)
        #expect(allowed.text.contains("failoverd_build_info"))
        await fixture.stop()
        let open = try ServiceFixture()
        #expect(try await open.get("/metrics").status == 200)
        await open.stop()
    }
}

/// `promtool check metrics`, which `make test` installs with the prometheus package.
enum PromtoolCheck {
    static func metrics(_ text: String, in directory: TemporaryDirectory) throws {
        let input = directory.file("metrics-\(UUID().uuidString.prefix(6)).txt")
        try text.write(toFile: input, atomically: false, encoding: .utf8)
        let (status, output) = try ShellCommand.runBlocking("/usr/bin/promtool check metrics < '\(input)'")
        #expect(status == 0, "promtool: \(output)")
        #expect(output.isEmpty, "promtool lint findings: \(output)")
    }
}
