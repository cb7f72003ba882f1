import FailoverCore
import FailoverTestSupport
import Foundation
import GRDB
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` of `failoverd serve` while a runbook execution is under way, then a restart on the same state
/// directory: the execution completes exactly once, resumed at its first unfinished step.
///
/// The runbook has three steps: a `dns` step at the fake Linode (step 0), an `exec` step running a small script
/// that notes every run and, on its first run only, sleeps (step 1), and a `dns` step at the fake DigitalOcean
/// (step 2). Each test posts one firing webhook straight to `/webhook`, kills failoverd by PID with SIGKILL at one
/// point, restarts it, and checks: the execution `succeeded` (or `failed` for `on_interrupted: fail`), `claims`
/// 2 with `runbook.claim_lost` naming the killed process, both records in the desired state, each record written
/// no more often than the interrupted step's rerun explains, and the audit chain intact.
@Suite("kill -9 during a runbook execution, restart: it completes exactly once", .serialized)
struct RunbookCrashTests {
    @Test("(a) killed right after the webhook's 200, before any step ran", .timeLimit(.minutes(2)))
    func killedAfterAcknowledgement() async throws {
        // min_firing keeps the execution scheduled for 10 s: the kill lands before any claim, even when a loaded
        // machine holds the test back for seconds between the 200 and the kill.
        let rig = try CrashRig(minFiring: "10s")
        defer { rig.remove() }
        try await rig.run { rig in
            let response = try await rig.postFiring()
            try #require(response.status == 200, "\(response.status) \(response.text)")
            _ = try await rig.kill()

            // What the acknowledged webhook left in the database: the execution, scheduled, never claimed.
            let stored = try Self.storedExecutions(rig.databasePath)
            #expect(stored.count == 1, "\(stored)")
            #expect(stored.first?.state == "scheduled", "\(stored)")
            #expect(stored.first?.claims == 0, "\(stored)")

            try await rig.restart()
            let execution = try await rig.client.waitForFinishedExecution(kind: "failover", within: .seconds(60))
            #expect(execution.state == "succeeded", "\(execution)")
            #expect(execution.claims == 1, "claimed once, by the restarted process: \(execution)")
            let lost = try await rig.client.auditEvents(type: "runbook.claim_lost")
            #expect(lost.isEmpty, "nothing was claimed before the kill: \(lost)")
            try await rig.expectDesiredDNS(linodeWrites: 1, digitalOceanWrites: 1)
            #expect(rig.execRuns.count == 1, "\(rig.execRuns)")
            #expect(execution.step("0")?.runs == 1 && execution.step("2")?.runs == 1, "\(execution)")
            try await rig.expectAuditIntact()
        }
    }

    @Test("(b) killed at the boundary after the first step: it is not run again", .timeLimit(.minutes(2)))
    func killedAfterFirstStep() async throws {
        let rig = try CrashRig(firstExecSleep: 4)
        defer { rig.remove() }
        try await rig.run { rig in
            try #require(try await rig.postFiring().status == 200)
            let id = try await PollingDeadline.wait(for: "step 0 to finish (next_step 1)", within: .seconds(30)) {
                try await rig.client.executions().first { $0.nextStep >= 1 }?.id
            }
            let killed = try await rig.kill()
            let before = try await rig.storedSteps(id)
            #expect(before["0"] == "succeeded", "\(before)")
            #expect(before["2"] == nil, "the kill landed before step 2: \(before)")
            #expect(rig.linode.writeRequestCount(record: rig.linodeRecord) == 1)

            try await rig.restart()
            let execution = try await rig.waitForEnd(of: id)
            #expect(execution.state == "succeeded", "\(execution)")
            try await rig.expectTakeBack(of: execution, from: killed)
            #expect(execution.step("0")?.runs == 1, "step 0 finished before the kill, not rerun: \(execution)")
            #expect(execution.step("2")?.runs == 1, "\(execution)")
            // The exec step ran once or, when the kill found it running, twice: never more.
            #expect((1...2).contains(rig.execRuns.count), "\(rig.execRuns)")
            #expect(execution.step("1")?.runs ?? 0 >= rig.execRuns.count, "\(execution) \(rig.execRuns)")
            try await rig.expectDesiredDNS(linodeWrites: 1, digitalOceanWrites: 1)
            try await rig.expectAuditIntact()
        }
    }

    /// How the DNS write in flight at the kill ends at the provider.
    enum WriteInFlight: String, CaseIterable, CustomStringConvertible {
        /// The provider applies it after the kill (a slow answer): the rerun finds the record right, writes nothing.
        case landsAfterTheKill
        /// The provider never applies it (no answer, then an error): the rerun writes it.
        case neverLands

        var description: String { rawValue }
    }

    @Test(
        "(c) killed in the middle of a DNS step: the step is rerun", .timeLimit(.minutes(2)),
        arguments: WriteInFlight.allCases)
    func killedDuringDNSStep(_ write: WriteInFlight) async throws {
        let rig = try CrashRig()
        defer { rig.remove() }
        try await rig.run { rig in
            let fault: FakeProviderFault = write == .landsAfterTheKill ? .slowAnswer(.seconds(2)) : .noAnswer
            rig.linode.inject(fault, method: .put, pathContaining: "/records/")
            try #require(try await rig.postFiring().status == 200)
            try await PollingDeadline.wait(for: "the Linode record write to arrive", within: .seconds(30)) {
                rig.linode.writeRequestCount(record: rig.linodeRecord) >= 1 ? true : nil
            }
            let killed = try await rig.kill()
            let id = try #require(try Self.storedExecutions(rig.databasePath).first?.id)
            let before = try await rig.storedSteps(id)
            #expect(before["0"] == "running", "the kill found the DNS step running: \(before)")
            if write == .landsAfterTheKill {
                // Restart only once the provider has applied the write it was sent before the kill.
                try await PollingDeadline.wait(for: "the delayed write to be applied", within: .seconds(60)) {
                    rig.linode.unansweredWriteCount(record: rig.linodeRecord) == 0 ? true : nil
                }
                #expect(rig.linode.targets(zone: "example.com", name: "app") == ["198.51.100.5"])
            }

            try await rig.restart()
            let execution = try await rig.waitForEnd(of: id)
            #expect(execution.state == "succeeded", "\(execution)")
            try await rig.expectTakeBack(of: execution, from: killed)
            let step = try #require(execution.step("0"), "\(execution)")
            #expect(step.runs == 2, "the interrupted DNS step ran again: \(execution)")
            #expect(step.detail.contains(#""rerun_after_interruption":true"#), "\(step.detail)")
            if write == .landsAfterTheKill {
                #expect(step.detail.contains(#""no_change":true"#), "the rerun found the record right: \(step.detail)")
            }
            try await rig.expectDesiredDNS(
                linodeWrites: write == .landsAfterTheKill ? 1 : 2, digitalOceanWrites: 1)
            #expect(rig.execRuns.count == 1, "\(rig.execRuns)")
            try await rig.expectAuditIntact()
        }
    }

    @Test("(c) killed inside a parallel group: only the unfinished child is rerun", .timeLimit(.minutes(2)))
    func killedInsideParallelGroup() async throws {
        let rig = try CrashRig(parallelDNS: true)
        defer { rig.remove() }
        try await rig.run { rig in
            rig.digitalOcean.inject(.noAnswer, method: .put, pathContaining: "/records/")
            try #require(try await rig.postFiring().status == 200)
            let id = try await PollingDeadline.wait(
                for: "the Linode child done and the DigitalOcean write in flight", within: .seconds(30)
            ) { () async throws -> Int64? in
                guard rig.digitalOcean.writeRequestCount(record: rig.digitalOceanRecord) >= 1,
                    let execution = try await rig.client.executions().first
                else { return nil }
                return try await rig.client.execution(execution.id).step("0.0")?.state == "succeeded"
                    ? execution.id : nil
            }
            let killed = try await rig.kill()
            let before = try await rig.storedSteps(id)
            #expect(before["0"] == "running" && before["0.0"] == "succeeded" && before["0.1"] == "running", "\(before)")

            try await rig.restart()
            let execution = try await rig.waitForEnd(of: id)
            #expect(execution.state == "succeeded", "\(execution)")
            try await rig.expectTakeBack(of: execution, from: killed)
            #expect(execution.step("0")?.runs == 2, "the group ran again: \(execution)")
            #expect(execution.step("0.0")?.runs == 1, "its finished child did not: \(execution)")
            #expect(execution.step("0.1")?.runs == 2, "its interrupted child did: \(execution)")
            // Linode written once; DigitalOcean's write that never landed, then the rerun's.
            try await rig.expectDesiredDNS(linodeWrites: 1, digitalOceanWrites: 2)
            #expect(rig.execRuns.count == 1, "\(rig.execRuns)")
            try await rig.expectAuditIntact()
        }
    }

    @Test(
        "(d) killed in the middle of an exec step: the step is rerun, the DNS step before it is not",
        .timeLimit(.minutes(2)))
    func killedDuringExecStep() async throws {
        let rig = try CrashRig(firstExecSleep: 4)
        defer { rig.remove() }
        try await rig.run { rig in
            try #require(try await rig.postFiring().status == 200)
            try await PollingDeadline.wait(for: "the exec step's first run to start", within: .seconds(30)) {
                rig.execRuns.isEmpty ? nil : true
            }
            let killed = try await rig.kill()
            let id = try #require(try Self.storedExecutions(rig.databasePath).first?.id)
            let before = try await rig.storedSteps(id)
            #expect(before["1"] == "running", "the kill found the exec step running: \(before)")

            try await rig.restart()
            let execution = try await rig.waitForEnd(of: id)
            #expect(execution.state == "succeeded", "\(execution)")
            try await rig.expectTakeBack(of: execution, from: killed)
            #expect(rig.execRuns.count == 2, "interrupted, then rerun: \(rig.execRuns)")
            let step = try #require(execution.step("1"), "\(execution)")
            #expect(step.runs == 2, "\(execution)")
            #expect(step.state == "succeeded", "\(execution)")
            #expect(step.detail.contains(#""rerun_after_interruption":true"#), "\(step.detail)")
            #expect(execution.step("0")?.runs == 1, "\(execution)")
            try await rig.expectDesiredDNS(linodeWrites: 1, digitalOceanWrites: 1)
            try await rig.expectAuditIntact()
        }
    }

    @Test(
        "on_interrupted: fail: the interrupted exec step fails the execution, DNS is not touched further",
        .timeLimit(.minutes(2)))
    func interruptedExecStepFailsTheExecution() async throws {
        let rig = try CrashRig(firstExecSleep: 4, execOnInterrupted: "fail")
        defer { rig.remove() }
        try await rig.run { rig in
            try #require(try await rig.postFiring().status == 200)
            try await PollingDeadline.wait(for: "the exec step's first run to start", within: .seconds(30)) {
                rig.execRuns.isEmpty ? nil : true
            }
            let killed = try await rig.kill()
            let id = try #require(try Self.storedExecutions(rig.databasePath).first?.id)

            try await rig.restart()
            let execution = try await rig.waitForEnd(of: id)
            #expect(execution.state == "failed", "\(execution)")
            #expect(execution.error?.contains("on_interrupted: fail") == true, "\(execution)")
            try await rig.expectTakeBack(of: execution, from: killed)
            #expect(execution.step("1")?.state == "failed", "\(execution)")
            #expect(execution.step("2") == nil, "step 2 never started: \(execution)")
            #expect(rig.execRuns.count == 1, "the program was not run again: \(rig.execRuns)")
            let keys = try await rig.client.runbookKeys()
            #expect(keys.map(\.phase) == ["failed"], "\(keys)")
            #expect(rig.linode.targets(zone: "example.com", name: "app") == ["198.51.100.5"])
            #expect(rig.linode.writeRequestCount(record: rig.linodeRecord) == 1)
            #expect(rig.digitalOcean.targets(zone: "example.org", name: "app") == ["192.0.2.2"])
            #expect(rig.digitalOcean.writeRequestCount == 0, "\(rig.digitalOcean.writeRequestsByPath)")
            try await rig.expectAuditIntact()
        }
    }

    @Test(
        "killed during the failback hold: the restarted failoverd fails back once the hold ends",
        .timeLimit(.minutes(2)))
    func killedDuringFailbackHold() async throws {
        let rig = try CrashRig(failbackHold: "3s")
        defer { rig.remove() }
        try await rig.run { rig in
            try #require(try await rig.postFiring().status == 200)
            let failover = try await rig.client.waitForFinishedExecution(kind: "failover", within: .seconds(30))
            #expect(failover.state == "succeeded", "\(failover)")
            let resolvedAt = ContinuousClock.now
            try #require(try await rig.postResolved().status == 200)
            _ = try await rig.kill()
            let keys = try Self.storedFailbackDue(rig.databasePath)
            #expect(keys.count == 1, "the hold's end is on disk: \(keys)")

            try await rig.restart()
            let failback = try await rig.client.waitForFinishedExecution(kind: "failback", within: .seconds(30))
            #expect(failback.state == "succeeded", "\(failback)")
            #expect(failback.claims == 1, "\(failback)")
            #expect(ContinuousClock.now - resolvedAt >= .seconds(3), "not before the hold ended")
            let executions = try await rig.client.executions()
            #expect(executions.map(\.kind).sorted() == ["failback", "failover"], "\(executions)")
            let keysAfter = try await rig.client.runbookKeys()
            #expect(keysAfter.map(\.phase) == ["normal"], "\(keysAfter)")
            #expect(rig.linode.targets(zone: "example.com", name: "app") == ["192.0.2.1"])
            #expect(rig.digitalOcean.targets(zone: "example.org", name: "app") == ["192.0.2.2"])
            #expect(rig.linode.writeRequestCount(record: rig.linodeRecord) == 2, "\(rig.linode.writeRequestsByPath)")
            #expect(
                rig.digitalOcean.writeRequestCount(record: rig.digitalOceanRecord) == 2,
                "\(rig.digitalOcean.writeRequestsByPath)")
            try await rig.expectAuditIntact()
        }
    }

    /// The program of an `exec` step runs in a process group of its own, which a killed failoverd cannot stop: the
    /// restarted one stops what is left of the interrupted run (found by the step's `FAILOVERD_*` environment)
    /// before it reruns the step, so two runs never overlap.
    @Test(
        "an exec step's program interrupted by kill -9 is stopped before the step is rerun",
        .timeLimit(.minutes(2)))
    func interruptedExecProgramIsBoundedByItsTimeout() async throws {
        let rig = try CrashRig(firstExecSleep: 30, execTimeout: "2s")
        defer { rig.remove() }
        try await rig.run { rig in
            try #require(try await rig.postFiring().status == 200)
            let firstRun = try await PollingDeadline.wait(for: "the exec step's first run", within: .seconds(30)) {
                rig.execRuns.first.flatMap { $0.split(separator: " ").first }.flatMap { Int32($0) }
            }
            let killedAt = ContinuousClock.now
            let killed = try await rig.kill()
            try await rig.restart()
            let id = try #require(try await rig.client.executions().first?.id)
            let execution = try await rig.waitForEnd(of: id)
            #expect(execution.state == "succeeded", "\(execution)")
            try await rig.expectTakeBack(of: execution, from: killed)
            let overlapped = rig.execRuns.count == 2 && Self.isRunning(firstRun)
            // The step's timeout (2 s) and a grace of 3 s have passed since the kill: the first run must be gone.
            try await Task.sleep(until: killedAt.advanced(by: .seconds(5)))
            #expect(
                !Self.isRunning(firstRun),
                """
                the first run (pid \(firstRun), `sleep 30`) outlived the killed failoverd and its 2 s timeout\
                \(overlapped ? ", and ran beside the rerun" : "")
                """)
            try await rig.expectAuditIntact()
        }
    }

    /// Whether `pid` is a live `sleep` (the exec step's program after its script's `exec`), not a reused PID.
    static func isRunning(_ pid: Int32) -> Bool {
        let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
        let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?
            .split(separator: ")").last?.split(separator: " ").first
        return commandLine.hasPrefix("sleep") && state != "Z"
    }
}

extension RunbookCrashTests {
    /// An execution row as the database holds it, read while failoverd is dead.
    struct StoredExecution: CustomStringConvertible {
        var id: Int64
        var state: String
        var claims: Int
        var description: String { "execution \(id) \(state) claims=\(claims)" }
    }

    /// The runbook keys whose failback hold is pending in the state database (read while failoverd is dead).
    static func storedFailbackDue(_ path: String) throws -> [Int64] {
        let queue = try ExternalConnection.open(path)
        return try queue.read { db in
            try Int64.fetchAll(db, sql: "SELECT failback_due_ms FROM runbook_keys WHERE failback_due_ms IS NOT NULL")
        }
    }

    /// The executions in the state database, oldest first (opened after the kill, closed before the restart).
    static func storedExecutions(_ path: String) throws -> [StoredExecution] {
        let queue = try ExternalConnection.open(path)
        return try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, state, claims FROM executions ORDER BY id").map { row in
                StoredExecution(id: row["id"], state: row["state"], claims: row["claims"])
            }
        }
    }

    /// One crash test's world: the two fake providers with their records, the exec step's script, the
    /// configuration, and the `failoverd serve` of the moment (the first, then the restarted one).
    final class CrashRig: @unchecked Sendable {
        let directory: TemporaryDirectory
        let linode: FakeDNSProviderServer
        let digitalOcean: FakeDNSProviderServer
        let linodeRecord: Int
        let digitalOceanRecord: Int
        let configPath: String
        let runsPath: String
        private(set) var failoverd: ServeProcess?
        private(set) var earlierLogs: [(how: String, log: String)] = []
        var client: FailoverdOperatorClient {
            FailoverdOperatorClient(
                port: failoverd?.port ?? 0, webhookToken: Self.webhookToken, adminToken: Self.adminToken)
        }
        var databasePath: String { directory.file("data/failoverd.db") }

        static let webhookToken = "crash-webhook-token"
        static let adminToken = "crash-admin-token"
        static let providerToken = "crash-provider-token"

        /// - Parameters:
        ///   - minFiring: the runbook's `min_firing` (`nil`: none).
        ///   - firstExecSleep: seconds the exec step's program sleeps on its first run (later runs do not).
        ///   - execOnInterrupted: the exec step's `on_interrupted` (`nil`: the default, rerun).
        ///   - execTimeout: the exec step's `timeout`.
        ///   - parallelDNS: step 0 is a `parallel` group of both `dns` steps and step 1 the `exec` step (no step 2).
        ///   - failbackHold: with a hold, `failback: {mode: auto}` pointing both records back at the primary.
        init(
            minFiring: String? = nil, firstExecSleep: Int = 0, execOnInterrupted: String? = nil,
            execTimeout: String = "30s", parallelDNS: Bool = false, failbackHold: String? = nil
        ) throws {
            directory = try TemporaryDirectory(prefix: "runbook-crash")
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
            runsPath = directory.file("exec-runs.log")
            // Notes the run (its PID: `exec` makes the sleep keep it), sleeps on the first run only.
            let script = try directory.write(
                "drain.sh",
                """
                #!/bin/sh
                echo "$$ $FAILOVERD_EXECUTION_ID $FAILOVERD_STEP_ID" >> "$1"
                if [ "$(wc -l < "$1")" -eq 1 ] && [ "$2" -gt 0 ]; then exec sleep "$2"; fi
                exit 0
                """)
            let linodeStep =
                "dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [198.51.100.5], ttl: 30}"
            let digitalOceanStep =
                "dns: {provider: do-main, zone: example.org, name: app, type: A, targets: [198.51.100.6], ttl: 60}"
            let execStep =
                "exec: {command: [\"/bin/sh\", \"\(script)\", \"\(runsPath)\", \"\(firstExecSleep)\"], timeout: \(execTimeout)}"
            let interruption = execOnInterrupted.map { ["        on_interrupted: \($0)"] } ?? []
            let stepLines: [String] =
                parallelDNS
                ? [
                    "      - name: point-both", "        parallel:", "          - \(linodeStep)",
                    "          - \(digitalOceanStep)", "      - name: drain", "        \(execStep)",
                ] + interruption
                : [
                    "      - name: point-linode", "        \(linodeStep)", "      - name: drain", "        \(execStep)",
                ] + interruption + ["      - name: point-digitalocean", "        \(digitalOceanStep)"]
            var lines = stepLines
            if let failbackHold {
                lines += [
                    "    failback:", "      mode: auto", "      hold: \(failbackHold)", "      steps:",
                    "        - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [192.0.2.1], ttl: 30}",
                    "        - dns: {provider: do-main, zone: example.org, name: app, type: A, targets: [192.0.2.2], ttl: 60}",
                ]
            }
            let steps = lines.joined(separator: "\n")
            var runbookOptions = ""
            if let minFiring { runbookOptions += "    min_firing: \(minFiring)\n" }
            configPath = try directory.write(
                "failoverd.yml",
                """
                server:
                  auth:
                    webhook: {bearer_token_file: webhook-token}
                    admin: {bearer_token_file: admin-token}
                engine:
                  poll_interval: 200ms
                providers:
                  linode-main: {type: linode, token_file: linode-token, base_url: "\(linode.baseURL)"}
                  do-main: {type: digitalocean, token_file: do-token, base_url: "\(digitalOcean.baseURL)"}
                runbooks:
                  failover-us-east:
                    match: ['alertname="PrimaryRegionUnhealthy"', 'region="us-east"']
                    key_labels: [region]
                \(runbookOptions)    steps:
                \(steps)
                """)
        }

        /// Starts failoverd, runs `body`, and on every path stops failoverd, the fakes and any program an exec
        /// step left behind; a thrown error is recorded with the logs of every failoverd that ran.
        func run(_ body: (CrashRig) async throws -> Void) async throws {
            do {
                try await restart()
                try await body(self)
            } catch {
                Issue.record("\(error)\n\(logs())")
            }
            try? await stop()
            await linode.stop()
            await digitalOcean.stop()
            stopLeftoverExecPrograms()
        }

        /// Starts `failoverd serve` on the state directory (again), on a new port.
        func restart() async throws {
            failoverd = try await ServeProcess(directory: directory, extraArguments: ["--config.file", configPath])
        }

        /// Stops failoverd (SIGTERM, by PID) and keeps its log for a failure report.
        func stop() async throws {
            guard let running = failoverd else { return }
            await running.process.stop()
            earlierLogs.append(("stopped", running.process.output))
            failoverd = nil
        }

        /// Kills failoverd with SIGKILL by PID and waits until it is gone; returns the killed PID.
        func kill() async throws -> Int32 {
            guard let running = failoverd else { throw EndToEndError("no failoverd to kill") }
            let pid = running.process.pid
            running.process.signal(SIGKILL)
            guard await running.process.waitForExit(timeout: .seconds(10)) != nil else {
                throw EndToEndError("failoverd \(pid) survived SIGKILL")
            }
            earlierLogs.append(("killed", running.process.output))
            failoverd = nil
            return pid
        }

        /// When ``alert`` began firing: at the first ``postFiring()``, so that `min_firing` counts from the post and
        /// not from the rig's creation, which a loaded machine puts seconds before it (the service starts between).
        private var firedAt: Timestamp?

        /// The alert every test posts: `PrimaryRegionUnhealthy` in `us-east`, firing since the first post.
        var alert: AlertmanagerWebhookBody {
            AlertmanagerWebhookBody.firing(
                labels: [
                    "alertname": "PrimaryRegionUnhealthy", "region": "us-east", "job": "app_primary",
                    "severity": "critical",
                ],
                annotations: ["summary": "Primary region us-east is unhealthy"], startsAt: firedAt ?? .wallClock())
        }

        /// Posts ``alert`` firing.
        func postFiring() async throws -> TestHTTPResponse {
            if firedAt == nil { firedAt = .wallClock() }
            return try await client.postWebhook(alert)
        }

        /// Posts ``alert`` resolved now.
        func postResolved() async throws -> TestHTTPResponse {
            try await client.postWebhook(alert.resolved(at: .wallClock()))
        }

        /// The step records of an execution in the database (path → state), read while failoverd is dead.
        func storedSteps(_ id: Int64) async throws -> [String: String] {
            let queue = try ExternalConnection.open(databasePath)
            return try await queue.read { db in
                var steps: [String: String] = [:]
                for row in try Row.fetchAll(
                    db, sql: "SELECT path, state FROM execution_steps WHERE execution_id = ?", arguments: [id])
                {
                    steps[row["path"]] = row["state"]
                }
                return steps
            }
        }

        /// Waits until the execution is over and returns it with its steps.
        func waitForEnd(of id: Int64) async throws -> ExecutionSnapshot {
            let client = client
            return try await PollingDeadline.wait(for: "execution \(id) to end", within: .seconds(30)) {
                let execution = try await client.execution(id)
                return execution.isFinal ? execution : nil
            }
        }

        /// The runs of the exec step's program so far: one line each (`pid execution step`).
        var execRuns: [String] {
            ((try? String(contentsOfFile: runsPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        /// The restarted process took the execution back from the killed one: a second claim, `runbook.claim_lost`
        /// naming the killed process as the previous owner, and a resumed `runbook.started` with a larger fence.
        func expectTakeBack(of execution: ExecutionSnapshot, from killed: Int32) async throws {
            #expect(execution.claims == 2, "\(execution)")
            let lost = try await client.auditEvents(type: "runbook.claim_lost").filter {
                $0.execution == execution.id
            }
            #expect(lost.count == 1, "\(lost)")
            #expect(lost.first?.string("previous_owner")?.contains(":\(killed):") == true, "\(lost)")
            #expect(lost.first?.string("reason")?.contains("taken back at start") == true, "\(lost)")
            let started = try await client.auditEvents(type: "runbook.started").filter {
                $0.execution == execution.id
            }
            #expect(started.map { $0.flag("resumed") } == [false, true], "\(started)")
            let fences = started.compactMap { $0.integer("fence") }
            #expect(fences.count == 2 && fences[1] > fences[0], "\(started)")
            if let lostEvent = lost.first, started.count == 2 {
                #expect(started[0].id < lostEvent.id && lostEvent.id < started[1].id, "\(started) \(lost)")
            }
            // The key ends where the execution's outcome puts it.
            let keys = try await client.runbookKeys()
            let phase = execution.state == "succeeded" ? "failed_over" : "failed"
            #expect(keys.map(\.phase) == [phase], "\(keys)")
            #expect(keys.first?.activeExecution == nil, "\(keys)")
        }

        /// Both records ended in the failover's desired state, written exactly as often as given.
        func expectDesiredDNS(linodeWrites: Int, digitalOceanWrites: Int) async throws {
            #expect(linode.targets(zone: "example.com", name: "app") == ["198.51.100.5"])
            #expect(digitalOcean.targets(zone: "example.org", name: "app") == ["198.51.100.6"])
            #expect(linode.records(zone: "example.com", name: "app").map(\.ttl) == [30])
            #expect(digitalOcean.records(zone: "example.org", name: "app").map(\.ttl) == [60])
            #expect(
                linode.writeRequestCount(record: linodeRecord) == linodeWrites, "\(linode.writeRequestsByPath)")
            #expect(linode.writeRequestCount == linodeWrites, "no other write: \(linode.writeRequestsByPath)")
            #expect(
                digitalOcean.writeRequestCount(record: digitalOceanRecord) == digitalOceanWrites,
                "\(digitalOcean.writeRequestsByPath)")
            #expect(
                digitalOcean.writeRequestCount == digitalOceanWrites,
                "no other write: \(digitalOcean.writeRequestsByPath)")
        }

        /// The hash chain verifies through the API and, once failoverd has stopped, with `failoverd audit verify`
        /// on the file.
        func expectAuditIntact() async throws {
            let verification = try await client.verifyAudit()
            #expect(verification.intact, "\(verification.result)")
            try await stop()
            let verify = try await runFailoverd(["audit", "verify", "--storage.path", databasePath])
            #expect(verify.status == 0, "\(verify.output)")
            #expect(verify.output.hasPrefix("intact"), "\(verify.output)")
        }

        /// Kills, by PID, an exec step's `sleep` that outlived the failoverd that started it (its PID is the first
        /// word of its line in the runs file; the command line is checked first, so a reused PID is left alone).
        func stopLeftoverExecPrograms() {
            for line in execRuns {
                guard let pid = line.split(separator: " ").first.flatMap({ Int32($0) }) else { continue }
                let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
                if commandLine.hasPrefix("sleep") { Glibc.kill(pid, SIGKILL) }
            }
        }

        /// The logs of every failoverd that ran, in order.
        func logs() -> String {
            var text = ""
            for (index, earlier) in earlierLogs.enumerated() {
                text += "--- failoverd \(index + 1) (\(earlier.how)) ---\n\(earlier.log.suffix(4000))\n"
            }
            if let failoverd { text += "--- failoverd (last) ---\n\(failoverd.process.output.suffix(6000))\n" }
            return text
        }

        /// Deletes the directory.
        func remove() { directory.remove() }
    }
}
