import FailoverCore
import FailoverTestSupport
import Foundation
import Logging
import Testing

/// Real Prometheus 2.42 and Alertmanager 0.25 drive a runbook through `failoverd serve`: a scraped primary goes
/// down, the rule fires, failoverd checks the secondary and switches one record at the fake Linode and one at the
/// fake DigitalOcean; the primary comes back, the alert resolves, and after the hold failoverd switches both back.
///
/// Each test checks that it happened exactly once (one failover and one failback execution, each record written
/// once each way), that every webhook was answered 2xx, that the audit trail tells the story in order and its
/// hash chain verifies, and what `GET /api/v1/runbooks` shows on the way.
@Suite("Prometheus → Alertmanager → failoverd runbook → fake Linode and DigitalOcean", .serialized)
struct RunbookPipelineTests {
    @Test("one Alertmanager: fail over once, fail back once after the hold", .timeLimit(.minutes(2)))
    func singleAlertmanager() async throws {
        guard Self.toolsAreInstalled() else { return }
        let rig = try PipelineRig(prefix: "runbook-pipeline")
        defer { rig.remove() }
        await rig.run(peerCount: 1) { rig, cluster in
            let failover = try await rig.outageUntilFailover()
            try await rig.waitForRepeatedFiring()
            try await rig.recoveryUntilFailback(after: failover)
            try await rig.expectExactlyOnce(failover: failover)
            try await rig.expectEveryWebhookAccepted(peers: cluster.peers.map { .running($0) })
            try await rig.expectStory()
        }
    }

    /// Both peers post to failoverd and Prometheus sends to both. Once the failover is done the first peer stops,
    /// so the resolution reaches failoverd from the second: both peers have delivered, and still one failover and
    /// one failback ran.
    @Test("two-peer Alertmanager cluster: still one failover and one failback", .timeLimit(.minutes(2)))
    func alertmanagerCluster() async throws {
        guard Self.toolsAreInstalled() else { return }
        let rig = try PipelineRig(prefix: "runbook-pipeline-ha")
        defer { rig.remove() }
        await rig.run(peerCount: 2) { rig, cluster in
            let failover = try await rig.outageUntilFailover()
            try await rig.waitForRepeatedFiring()
            let first = cluster.peers[0]
            await first.stop()
            try await rig.recoveryUntilFailback(after: failover)
            try await rig.expectExactlyOnce(failover: failover)
            let firstCounts = try await PeerCounts.stopped(first).counts()
            let secondCounts = try await cluster.peers[1].notificationCounts()
            #expect(firstCounts.requests >= 1, "the first peer delivered: \(firstCounts)")
            #expect(secondCounts.requests >= 1, "the second peer delivered (the resolution): \(secondCounts)")
            // The log count that stands in for the stopped peer's counters agrees with the running peer's.
            #expect(
                try await PeerCounts.fromLog(of: cluster.peers[1]) == secondCounts.notifications
                    - secondCounts.failedNotifications,
                "\(secondCounts)")
            try await rig.expectEveryWebhookAccepted(peers: [.stopped(first), .running(cluster.peers[1])])
            let deliveries = try await rig.client.deliveryCount()
            let executions = try await rig.client.executions()
            #expect(deliveries > executions.count, "duplicates were delivered: \(deliveries) deliveries")
            try await rig.expectStory()
        }
    }

    static func toolsAreInstalled() -> Bool {
        for binary in [PipelineRig.prometheus, "/usr/bin/prometheus-alertmanager"]
        where !FileManager.default.isExecutableFile(atPath: binary) {
            Issue.record(
                "\(binary) is missing: `make test` installs the prometheus and prometheus-alertmanager packages")
            return false
        }
        return true
    }
}

extension RunbookPipelineTests {
    /// An Alertmanager peer for the webhook check: still running (its counters are read from `/metrics`) or
    /// stopped earlier (its counters are gone with it: its debug log tells its deliveries instead).
    enum PeerCounts {
        case running(AlertmanagerProcess)
        case stopped(AlertmanagerProcess)

        func counts() async throws -> AlertmanagerNotificationCounts {
            switch self {
            case .running(let peer):
                return try await peer.notificationCounts()
            case .stopped(let peer):
                let delivered = try await Self.fromLog(of: peer)
                let failed = Self.occurrences(of: "Notify attempt failed", in: peer.output)
                let givenUp = Self.occurrences(of: "Notify for alerts failed", in: peer.output)
                return AlertmanagerNotificationCounts(
                    notifications: delivered + givenUp, failedNotifications: givenUp, requests: delivered + failed,
                    failedRequests: failed)
            }
        }

        /// The webhook notifications the peer delivered, as its debug log says (`msg="Notify success"`).
        static func fromLog(of peer: AlertmanagerProcess) async throws -> Int {
            occurrences(of: "msg=\"Notify success\"", in: peer.output)
        }

        static func occurrences(of text: String, in log: String) -> Int {
            log.components(separatedBy: text).count - 1
        }
    }

    /// One pipeline test's world: the primary (scraped) and secondary (checked) targets, the two fake providers,
    /// failoverd with the runbook, and, while ``run(peerCount:_:)`` runs, Alertmanager and Prometheus.
    final class PipelineRig: @unchecked Sendable {
        static let prometheus = "/usr/bin/prometheus"
        static let runbook = RegionalFailoverRunbook.name
        static let webhookToken = "pipeline-webhook-token"
        static let adminToken = "pipeline-admin-token"
        static let providerToken = "pipeline-provider-token"

        let directory: TemporaryDirectory
        let primary: ProbeTarget
        let secondary: ProbeTarget
        let linode: FakeDNSProviderServer
        let digitalOcean: FakeDNSProviderServer
        let linodeRecord: Int
        let digitalOceanRecord: Int
        let configPath: String
        private(set) var failoverd: ServeProcess?
        private(set) var prometheusProcess: ChildProcess?
        /// The failover and failback executions' ids, once they ran.
        private(set) var failoverID: Int64?
        private(set) var failbackID: Int64?

        var client: FailoverdOperatorClient {
            FailoverdOperatorClient(
                port: failoverd?.port ?? 0, webhookToken: Self.webhookToken, adminToken: Self.adminToken)
        }

        init(prefix: String) throws {
            directory = try TemporaryDirectory(prefix: prefix)
            primary = try ProbeTarget()
            secondary = try ProbeTarget()
            let quiet = Logger(label: "fake", factory: { _ in SwiftLogNoOpLogHandler() })
            linode = FakeDNSProviderServer(flavor: .linode, token: Self.providerToken, logger: quiet)
            digitalOcean = FakeDNSProviderServer(flavor: .digitalOcean, token: Self.providerToken, logger: quiet)
            try linode.start()
            try digitalOcean.start()
            linode.addZone("example.com")
            linodeRecord = linode.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 30)
            digitalOcean.addZone("example.org")
            digitalOceanRecord = digitalOcean.addRecord(
                zone: "example.org", name: "app", type: "A", target: "192.0.2.2", ttl: 60)
            try directory.write("webhook-token", Self.webhookToken + "\n")
            try directory.write("admin-token", Self.adminToken + "\n")
            try directory.write("linode-token", Self.providerToken + "\n")
            try directory.write("do-token", Self.providerToken + "\n")
            configPath = try directory.write(
                "failoverd.yml",
                """
                server:
                  auth:
                    webhook: {bearer_token_file: webhook-token}
                    admin: {bearer_token_file: admin-token}
                ingest:
                  reopen_window: 2s
                engine:
                  poll_interval: 200ms
                providers:
                  linode-main: {type: linode, token_file: linode-token, base_url: "\(linode.baseURL)"}
                  do-main: {type: digitalocean, token_file: do-token, base_url: "\(digitalOcean.baseURL)"}
                runbooks:
                \(RegionalFailoverRunbook.yaml(secondaryURL: secondary.url, hold: "3s"))

                """)
        }

        /// Starts the targets, failoverd, `peerCount` Alertmanager peers and Prometheus, runs `body`, and stops
        /// everything on every path; a thrown error is recorded with the end of every log.
        func run(
            peerCount: Int, _ body: (PipelineRig, AlertmanagerCluster) async throws -> Void
        ) async {
            var cluster: AlertmanagerCluster?
            do {
                try primary.start()
                try secondary.start()
                failoverd = try await ServeProcess(
                    directory: directory, extraArguments: ["--config.file", configPath])
                let settings = AlertmanagerSettings(
                    webhookURL: "http://127.0.0.1:\(failoverd!.port)/webhook",
                    bearerCredentialsFile: directory.file("webhook-token"), receiverName: "failoverd",
                    groupBy: ["alertname", "region"], groupWait: .seconds(1), groupInterval: .seconds(1),
                    repeatInterval: .seconds(2), peerTimeout: .seconds(2))
                let started = try await AlertmanagerCluster.start(
                    peerCount: peerCount, settings: settings, in: directory)
                cluster = started
                try startPrometheus(alertmanagerPorts: started.peers.map(\.webPort))
                try await waitUntilScraped()
                try await body(self, started)
            } catch {
                Issue.record("\(error)\n\(logs(cluster))")
            }
            await prometheusProcess?.stop()
            await cluster?.stop()
            if let failoverd {
                await failoverd.process.stop()
                let verify = try? await runFailoverd(
                    ["audit", "verify", "--storage.path", directory.file("data/failoverd.db")])
                #expect(
                    verify?.status == 0 && verify?.output.hasPrefix("intact") == true, "\(String(describing: verify))")
            }
            await primary.stop()
            await secondary.stop()
            await linode.stop()
            await digitalOcean.stop()
        }

        private func startPrometheus(alertmanagerPorts: [UInt16]) throws {
            try directory.write("rules.yml", RegionalFailoverRunbook.prometheusRules)
            let targets = alertmanagerPorts.map { "\"127.0.0.1:\($0)\"" }.joined(separator: ", ")
            try directory.write(
                "prometheus.yml",
                """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [\(directory.file("rules.yml"))]
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: [\(targets)]
                scrape_configs:
                  - job_name: app_primary
                    scrape_timeout: 900ms
                    static_configs:
                      - targets: ["127.0.0.1:\(primary.port)"]
                        labels:
                          region: us-east
                """)
            prometheusProcess = try ChildProcess(
                executable: Self.prometheus,
                arguments: [
                    "--config.file=\(directory.file("prometheus.yml"))",
                    "--storage.tsdb.path=\(directory.file("tsdb"))",
                    "--web.listen-address=127.0.0.1:\(try FreePort.next())",
                ], directory: directory.path, logPath: directory.file("prometheus.log"))
        }

        /// Waits until Prometheus has scraped the healthy primary twice: the rule has a healthy series to start
        /// from, and nothing fired.
        private func waitUntilScraped() async throws {
            try await PollingDeadline.wait(for: "Prometheus to scrape the primary twice", within: .seconds(30)) {
                guard prometheusProcess?.isRunning == true else {
                    throw EndToEndError("prometheus exited:\n\(prometheusProcess?.output.suffix(3000) ?? "")")
                }
                return primary.requestCount("/metrics") >= 2 ? true : nil
            }
            #expect(try await client.executions().isEmpty)
            #expect(try await client.runbookKeys().isEmpty, "no key before the first alert")
        }

        /// The primary goes down; waits for the failover to succeed and checks what it did. Returns it.
        func outageUntilFailover() async throws -> ExecutionSnapshot {
            let checksBefore = secondary.requestCount("/healthz")
            await primary.stop()
            let failover = try await client.waitForFinishedExecution(kind: "failover", within: .seconds(45))
            failoverID = failover.id
            #expect(failover.state == "succeeded", "\(failover)")
            #expect(failover.trigger == "alert" && failover.claims == 1, "\(failover)")
            #expect(failover.key == ["region": "us-east"], "\(failover)")
            // The precondition ran against the healthy secondary.
            let check = failover.step("0")
            #expect(check?.kind == "http_check" && check?.state == "succeeded", "\(failover)")
            #expect(check?.summary?.contains("answered 200") == true, "\(failover)")
            #expect(secondary.requestCount("/healthz") > checksBefore, "the check reached the secondary")
            for path in ["1", "1.0", "1.1"] {
                #expect(failover.step(path)?.state == "succeeded", "\(failover)")
            }
            // Both records switched, each with exactly one write.
            #expect(linode.targets(zone: "example.com", name: "app") == ["198.51.100.5"])
            #expect(digitalOcean.targets(zone: "example.org", name: "app") == ["198.51.100.6"])
            #expect(linode.writeRequestCount == 1, "\(linode.writeRequestsByPath)")
            #expect(linode.writeRequestCount(record: linodeRecord) == 1, "\(linode.writeRequestsByPath)")
            #expect(digitalOcean.writeRequestCount == 1, "\(digitalOcean.writeRequestsByPath)")
            #expect(
                digitalOcean.writeRequestCount(record: digitalOceanRecord) == 1, "\(digitalOcean.writeRequestsByPath)")
            // While the primary is down the key stays failed over, the secondary serving.
            let keys = try await client.runbookKeys()
            #expect(keys.count == 1, "\(keys)")
            #expect(keys.first?.phase == "failed_over" && keys.first?.activeSide == "secondary", "\(keys)")
            #expect(keys.first?.openIncident != nil, "\(keys)")
            return failover
        }

        /// Waits until failoverd has received the firing again (Alertmanager's repeat) while failed over: a
        /// duplicate that must not start a second failover.
        func waitForRepeatedFiring() async throws {
            try await PollingDeadline.wait(for: "a repeated firing notification", within: .seconds(20)) {
                let received = try await client.auditEvents(type: "webhook.received")
                return received.contains { $0.alertTransitions.contains("duplicate_firing") } ? true : nil
            }
            let executions = try await client.executions()
            #expect(executions.count == 1, "the repeat started nothing: \(executions)")
            let keys = try await client.runbookKeys()
            #expect(keys.first?.phase == "failed_over", "\(keys)")
        }

        /// The primary comes back; waits for the failback to succeed after the hold and checks what it did.
        func recoveryUntilFailback(after failover: ExecutionSnapshot) async throws {
            try primary.start()
            let resolved = try await PollingDeadline.wait(for: "the incident to close", within: .seconds(45)) {
                try await client.auditEvents(type: "incident.closed").first
            }
            // Until the hold has passed, the secondary still serves.
            let keysInHold = try await client.runbookKeys()
            let failback = try await client.waitForFinishedExecution(kind: "failback", within: .seconds(45))
            failbackID = failback.id
            #expect(failback.state == "succeeded", "\(failback)")
            #expect(failback.trigger == "alert" && failback.claims == 1, "\(failback)")
            #expect(failback.step("0")?.state == "succeeded" && failback.step("1")?.state == "succeeded", "\(failback)")
            if let phase = keysInHold.first?.phase, phase != "failed_over" {
                // Only a slow look can find the failback already under way; never anything else.
                #expect(["failing_back", "normal"].contains(phase), "\(keysInHold)")
            }
            // The failback started no sooner than the hold after the resolution.
            let started = try await client.auditEvents(type: "runbook.started").first { $0.execution == failback.id }
            if let started {
                #expect(started.id > resolved.id)
            }
            let keys = try await client.runbookKeys()
            #expect(keys.count == 1, "\(keys)")
            #expect(keys.first?.phase == "normal" && keys.first?.activeSide == "primary", "\(keys)")
            #expect(keys.first?.openIncident == nil, "\(keys)")
            #expect(linode.targets(zone: "example.com", name: "app") == ["192.0.2.1"])
            #expect(digitalOcean.targets(zone: "example.org", name: "app") == ["192.0.2.2"])
        }

        /// One failover and one failback, one incident, each record written once each way.
        func expectExactlyOnce(failover: ExecutionSnapshot) async throws {
            let executions = try await client.executions()
            #expect(executions.map(\.kind).sorted() == ["failback", "failover"], "\(executions)")
            #expect(executions.allSatisfy { $0.state == "succeeded" }, "\(executions)")
            let incidents = try await client.incidents()
            #expect(incidents.count == 1, "\(incidents)")
            #expect(incidents.first?.state == "closed" && incidents.first?.execution == failover.id, "\(incidents)")
            #expect(linode.writeRequestCount == 2, "\(linode.writeRequestsByPath)")
            #expect(linode.writeRequestCount(record: linodeRecord) == 2, "\(linode.writeRequestsByPath)")
            #expect(digitalOcean.writeRequestCount == 2, "\(digitalOcean.writeRequestsByPath)")
            #expect(
                digitalOcean.writeRequestCount(record: digitalOceanRecord) == 2, "\(digitalOcean.writeRequestsByPath)")
            let verification = try await client.verifyAudit()
            #expect(verification.intact, "\(verification.result)")
        }

        /// Every webhook was answered 2xx: no peer counts a failed notification or request, and failoverd stored
        /// and counted as accepted exactly the requests the peers sent.
        func expectEveryWebhookAccepted(peers: [PeerCounts]) async throws {
            let (sent, stored) = try await PollingDeadline.wait(
                for: "failoverd's deliveries to match the requests the peers sent", within: .seconds(15)
            ) { () async throws -> (Int, Int)? in
                var sent = 0
                for peer in peers {
                    let counts = try await peer.counts()
                    #expect(counts.failedNotifications == 0 && counts.failedRequests == 0, "\(counts)")
                    sent += counts.requests
                }
                let stored = try await client.deliveryCount()
                return sent == stored ? (sent, stored) : nil
            }
            #expect(sent >= 3, "firing, a repeat, resolved")
            let accepted = try await client.metric("failoverd_webhook_requests_total", labelsContaining: "accepted")
            #expect(Int(accepted) == stored, "accepted \(accepted), stored \(stored)")
            let total = try await client.metric("failoverd_webhook_requests_total")
            #expect(total == accepted, "no webhook had another outcome")
        }

        /// The audit trail tells the story in order, from the first notification to the failback's end.
        func expectStory() async throws {
            guard let failover = failoverID, let failback = failbackID else {
                Issue.record("the story needs both executions")
                return
            }
            let trail = try await client.auditTrail()
            typealias Chapter = (String, (AuditRecordSnapshot) -> Bool)
            func event(_ type: String, _ execution: Int64? = nil, _ detail: [String: String] = [:]) -> Chapter {
                let label = ([type] + (execution.map { ["execution \($0)"] } ?? []) + detail.map { "\($0)=\($1)" })
                    .joined(separator: " ")
                return (
                    label,
                    { record in
                        record.type == type && (execution == nil || record.execution == execution)
                            && detail.allSatisfy { record.string($0.key) == $0.value }
                    }
                )
            }
            func steps(_ execution: Int64, _ paths: [String]) -> [Chapter] {
                paths.flatMap { path in
                    [
                        event("runbook.step_started", execution, ["step": path]),
                        event("runbook.step_finished", execution, ["step": path, "state": "succeeded"]),
                    ]
                }
            }
            let story: [Chapter] =
                [
                    (
                        "webhook.received (firing)",
                        { $0.type == "webhook.received" && $0.alertTransitions == ["opened"] }
                    ),
                    event("episode.opened"),
                    event("incident.opened"),
                    event("runbook.scheduled", failover, ["kind": "failover", "trigger": "alert"]),
                    event("runbook.state_changed", nil, ["to": "failing_over"]),
                    event("runbook.started", failover, ["kind": "failover"]),
                    event("runbook.step_started", failover, ["step": "0"]),
                    event("runbook.step_finished", failover, ["step": "0", "state": "succeeded"]),
                    event("runbook.step_started", failover, ["step": "1"]),
                    event("runbook.step_finished", failover, ["step": "1", "state": "succeeded"]),
                    event("runbook.finished", failover, ["kind": "failover"]),
                    event("runbook.state_changed", nil, ["to": "failed_over", "active_side": "secondary"]),
                    (
                        "webhook.received (resolved)",
                        { $0.type == "webhook.received" && $0.alertTransitions == ["resolved"] }
                    ),
                    event("episode.resolved"),
                    event("incident.closed"),
                    event("runbook.failback_scheduled"),
                    event("runbook.scheduled", failback, ["kind": "failback"]),
                    event("runbook.state_changed", nil, ["to": "failing_back"]),
                    event("runbook.started", failback, ["kind": "failback"]),
                ] + steps(failback, ["0", "1"]) + [
                    event("runbook.finished", failback, ["kind": "failback"]),
                    event("runbook.state_changed", nil, ["to": "normal", "active_side": "primary"]),
                ]
            var position = 0
            for (label, matches) in story {
                guard let found = trail[position...].firstIndex(where: matches) else {
                    let after = position > 0 ? trail[position - 1].id : 0
                    let listing = trail.map(\.description).joined(separator: "\n")
                    Issue.record("the audit trail lacks \(label) after #\(after):\n\(listing)")
                    return
                }
                position = found + 1
            }
            // The parallel group's children ran inside the group's step.
            let groupStart = trail.firstIndex(where: event("runbook.step_started", failover, ["step": "1"]).1)
            let groupEnd = trail.firstIndex(where: event("runbook.step_finished", failover, ["step": "1"]).1)
            for child in ["1.0", "1.1"] {
                let finished = trail.firstIndex(
                    where: event("runbook.step_finished", failover, ["step": child, "state": "succeeded"]).1)
                #expect(
                    finished.map { index in groupStart.map { $0 < index } == true && groupEnd.map { index < $0 } == true
                    }
                        == true, "step \(child) of the group")
            }
            // Once each.
            for (type, count) in [
                ("incident.opened", 1), ("incident.closed", 1), ("runbook.scheduled", 2), ("runbook.started", 2),
                ("runbook.finished", 2), ("runbook.failed", 0), ("runbook.claim_lost", 0), ("runbook.suppressed", 0),
                ("episode.opened", 1),
            ] {
                #expect(trail.filter { $0.type == type }.count == count, "\(type)")
            }
            // Every step event belongs to one of the two executions.
            #expect(
                trail.filter { $0.type.hasPrefix("runbook.step") }.allSatisfy {
                    [failover, failback].contains($0.execution)
                })
        }

        /// The end of every log, for a failure report.
        func logs(_ cluster: AlertmanagerCluster?) -> String {
            var text = "--- failoverd ---\n\(failoverd?.process.output.suffix(6000) ?? "(not started)")\n"
            if let cluster { text += cluster.output(lastCharactersPerPeer: 2500) + "\n" }
            text += "--- prometheus ---\n\(prometheusProcess?.output.suffix(2500) ?? "(not started)")"
            return text
        }

        /// Deletes the directory.
        func remove() { directory.remove() }
    }
}
