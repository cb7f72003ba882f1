import FailoverCore
import FailoverEngine
import FailoverStore
import FailoverTestSupport
import Foundation
import GRDB
import Testing

@Suite("Runbook engine: exactly once, failback, guards", .timeLimit(.minutes(2)))
struct RunbookEngineTests {
    @Test("100 concurrent duplicate deliveries make one incident and one failover")
    func duplicatesMakeOneExecution() async throws {
        let fixture = try EngineFixture(runbooks: [Scenario.runbook()])
        let alert = Scenario.alert(.firing)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<100 { group.addTask { _ = try? await fixture.post([alert]) } }
        }
        try await fixture.waitUntil("DNS failed over") { fixture.dns.targets("linode-main") == ["198.51.100.5"] }
        try await fixture.waitUntilIdle()
        let executions = try fixture.executions()
        #expect(executions.count == 1)
        #expect(executions.first?["state"] as String? == "succeeded")
        #expect(fixture.dns.writes == ["linode-main/app=198.51.100.5"])
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM incidents") } == 1)
        #expect(try fixture.phase("failover-us-east", Scenario.region) == "failed_over")
        await fixture.stop()
    }

    @Test("two fingerprints with one key (two Prometheus replicas) are one incident")
    func twoFingerprintsOneKey() async throws {
        let fixture = try EngineFixture(runbooks: [Scenario.runbook()])
        try await fixture.post(Scenario.alert(.firing, fingerprint: "aaaaaaaaaaaaaaaa", instance: "a"))
        try await fixture.post(Scenario.alert(.firing, fingerprint: "bbbbbbbbbbbbbbbb", instance: "b"))
        try await fixture.waitUntilIdle()
        #expect(try fixture.executions().count == 1)
        let members = try fixture.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM incident_episodes") }
        #expect(members == 2)
        // One resolves: the incident stays open, no failback.
        try await fixture.post(Scenario.alert(.resolved, fingerprint: "aaaaaaaaaaaaaaaa", instance: "a"))
        #expect(try fixture.read { try String.fetchOne($0, sql: "SELECT state FROM incidents") } == "open")
        // The other resolves: closed, and failback follows after the hold.
        try await fixture.post(Scenario.alert(.resolved, fingerprint: "bbbbbbbbbbbbbbbb", instance: "b"))
        try await fixture.waitUntil("failed back") { fixture.dns.targets("linode-main") == ["192.0.2.1"] }
        try await fixture.waitUntilIdle()
        #expect(try fixture.phase("failover-us-east", Scenario.region) == "normal")
        #expect(fixture.dns.writes == ["linode-main/app=198.51.100.5", "linode-main/app=192.0.2.1"])
        await fixture.stop()
    }

    @Test("an incident of hundreds of alerts counts its firing episodes and closes with the last one")
    func manyAlertsOneIncident() async throws {
        let fixture = try EngineFixture(
            runbooks: [Scenario.runbook(failback: FailbackPolicy(mode: .none))])
        let alerts = (0..<300).map { index in
            Scenario.alert(
                .firing, fingerprint: String(format: "%016x", index), instance: "10.0.\(index / 256).\(index % 256)")
        }
        for batch in stride(from: 0, to: alerts.count, by: 50) {
            try await fixture.post(Array(alerts[batch..<batch + 50]))
        }
        func incident() throws -> Row? {
            try fixture.read { try Row.fetchOne($0, sql: "SELECT state, firing_count FROM incidents") }
        }
        #expect(try incident()?["firing_count"] as Int? == 300)
        for alert in alerts.dropLast() {
            var resolved = alert
            resolved.status = .resolved
            resolved.endsAt = Timestamp(milliseconds: EngineFixture.now())
            try await fixture.post([resolved])
        }
        #expect(try incident()?["state"] as String? == "open")
        #expect(try incident()?["firing_count"] as Int? == 1)
        var last = alerts[299]
        last.status = .resolved
        last.endsAt = Timestamp(milliseconds: EngineFixture.now())
        try await fixture.post([last])
        #expect(try incident()?["state"] as String? == "closed")
        #expect(try fixture.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM incident_episodes") } == 300)
        try await fixture.waitUntilIdle()
        #expect(try fixture.executions().filter { $0["kind"] as String == "failover" }.count == 1)
        await fixture.stop()
    }

    @Test("interleaved firing and resolved, and stale firings after resolved, never fail over twice")
    func interleavedAndStale() async throws {
        let fixture = try EngineFixture(
            runbooks: [
                Scenario.runbook(
                    failback: FailbackPolicy(mode: .manual, hold: .zero, steps: [Scenario.dns(target: "192.0.2.1")]))
            ], reopenWindow: .seconds(30))
        let firing = Scenario.alert(.firing)
        let resolved = Scenario.alert(.resolved, startsAt: firing.startsAt)
        try await fixture.post(firing)
        try await fixture.waitUntilIdle()
        for _ in 0..<5 {
            try await fixture.post([resolved])
            try await fixture.post([firing])  // stale: same period, waits for the window
        }
        try await fixture.post([resolved])
        try await Task.sleep(for: .milliseconds(300))
        try await fixture.waitUntilIdle()
        let failovers = try fixture.executions().filter { $0["kind"] as String == "failover" }
        #expect(failovers.count == 1)
        #expect(fixture.dns.writes == ["linode-main/app=198.51.100.5"])
        let types = try fixture.auditTypes()
        #expect(types.filter { $0 == "episode.reopen_pending" }.count == 5)
        #expect(types.filter { $0 == "episode.reopen_cancelled" }.count == 5)
        #expect(!types.contains("episode.reopened"))
        await fixture.stop()
    }

    @Test("a firing after a resolution by timeout reopens after the window and cancels the failback hold")
    func reopenCancelsHold() async throws {
        let fixture = try EngineFixture(
            runbooks: [
                Scenario.runbook(
                    failback: FailbackPolicy(
                        mode: .auto, hold: .seconds(60), steps: [Scenario.dns(target: "192.0.2.1")]))
            ], reopenWindow: .milliseconds(400))
        let firing = Scenario.alert(.firing)
        try await fixture.post(firing)
        try await fixture.waitUntilIdle()
        try await fixture.post(Scenario.alert(.resolved, startsAt: firing.startsAt))
        #expect(try fixture.auditTypes().contains("runbook.failback_scheduled"))
        try await fixture.post(firing)
        try await fixture.waitUntil("the episode reopened") { try fixture.auditTypes().contains("episode.reopened") }
        try await fixture.waitUntil("the hold was cancelled") {
            try fixture.auditTypes().contains("runbook.failback_cancelled")
        }
        #expect(try fixture.phase("failover-us-east", Scenario.region) == "failed_over")
        #expect(try fixture.executions().count == 1)
        await fixture.stop()
    }

    @Test("min_firing: due at startsAt + min_firing, cancelled and audited when the incident resolves first")
    func minFiringCancel() async throws {
        let fixture = try EngineFixture(runbooks: [Scenario.runbook(minFiring: .seconds(3600))])
        let firing = Scenario.alert(.firing)
        try await fixture.post(firing)
        let execution = try #require(try fixture.executions().first)
        #expect(execution["state"] as String == "scheduled")
        #expect(execution["due_at_ms"] as Int64 == firing.startsAt.millisecondsSinceEpoch + 3_600_000)
        try await fixture.post(Scenario.alert(.resolved, startsAt: firing.startsAt))
        #expect(try fixture.executions().first?["state"] as String? == "cancelled")
        #expect(try fixture.phase("failover-us-east", Scenario.region) == "normal")
        #expect(try fixture.auditTypes().contains("runbook.cancelled"))
        #expect(fixture.dns.writes.isEmpty)
        await fixture.stop()
    }

    @Test("failback none stays failed over; manual waits for approval; hold cancels on a new firing")
    func failbackModes() async throws {
        let none = try EngineFixture(runbooks: [Scenario.runbook(failback: FailbackPolicy(mode: .none))])
        let firing = Scenario.alert(.firing)
        try await none.post(firing)
        try await none.waitUntilIdle()
        try await none.post(Scenario.alert(.resolved, startsAt: firing.startsAt))
        try await Task.sleep(for: .milliseconds(500))
        #expect(try none.phase("failover-us-east", Scenario.region) == "failed_over")
        #expect(try none.executions().count == 1)
        await none.stop()

        let manual = try EngineFixture(
            runbooks: [
                Scenario.runbook(
                    failback: FailbackPolicy(mode: .manual, hold: .zero, steps: [Scenario.dns(target: "192.0.2.1")]))
            ])
        try await manual.post(firing)
        try await manual.waitUntilIdle()
        try await manual.post(Scenario.alert(.resolved, startsAt: firing.startsAt))
        try await Task.sleep(for: .milliseconds(500))
        #expect(try manual.executions().count == 1)
        let runbook = try #require(manual.policy.settings.catalog.runbook(named: "failover-us-east"))
        let approved = try await manual.ledger.requestFailback(
            runbook: runbook, key: Scenario.region, request: OperatorRequest(actor: "admin:bearer"),
            now: EngineFixture.now())
        #expect(approved.refusal == nil)
        manual.engine.wake()
        try await manual.waitUntil("failed back") { manual.dns.targets("linode-main") == ["192.0.2.1"] }
        try await manual.waitUntilIdle()
        #expect(try manual.phase("failover-us-east", Scenario.region) == "normal")
        let again = try await manual.ledger.requestFailback(
            runbook: runbook, key: Scenario.region, request: OperatorRequest(actor: "admin:bearer"),
            now: EngineFixture.now())
        #expect(again.refusal?.contains("not failed over") == true)
        await manual.stop()
    }

    @Test("a firing during the failback is acted on when the failback ends: failover again")
    func firingDuringFailback() async throws {
        let fixture = try EngineFixture(runbooks: [Scenario.runbook()])
        let firing = Scenario.alert(.firing)
        try await fixture.post(firing)
        try await fixture.waitUntilIdle()
        fixture.dns.state.withLock { $0.gate["linode-main/app"] = true }
        try await fixture.post(Scenario.alert(.resolved, startsAt: firing.startsAt))
        try await fixture.waitUntil("failing back") {
            try fixture.phase("failover-us-east", Scenario.region) == "failing_back"
        }
        // A new period fires while the failback's DNS write is held.
        try await fixture.post(Scenario.alert(.firing, startsAt: Timestamp(milliseconds: EngineFixture.now())))
        fixture.dns.state.withLock { $0.gate["linode-main/app"] = false }
        try await fixture.waitUntil("failed over again") {
            try fixture.executions().count == 3 && fixture.dns.targets("linode-main") == ["198.51.100.5"]
        }
        try await fixture.waitUntilIdle()
        #expect(try fixture.phase("failover-us-east", Scenario.region) == "failed_over")
        #expect(
            fixture.dns.writes == [
                "linode-main/app=198.51.100.5", "linode-main/app=192.0.2.1", "linode-main/app=198.51.100.5",
            ])
        await fixture.stop()
    }

    @Test("the flap guard suppresses failovers beyond max_executions, visibly; an operator can force one")
    func flapGuard() async throws {
        let fixture = try EngineFixture(
            runbooks: [Scenario.runbook(budget: ExecutionBudget(count: 1, per: .seconds(3600)))])
        var startsAt = EngineFixture.now() - 60_000
        for _ in 0..<2 {
            let firing = Scenario.alert(.firing, startsAt: Timestamp(milliseconds: startsAt))
            try await fixture.post(firing)
            try await fixture.waitUntilIdle()
            try await fixture.post(Scenario.alert(.resolved, startsAt: firing.startsAt))
            try await fixture.waitUntil("back to normal") {
                try fixture.phase("failover-us-east", Scenario.region) == "normal"
            }
            startsAt = EngineFixture.now() + 1
            try await Task.sleep(for: .milliseconds(5))
        }
        let states = try fixture.executions().map { "\($0["kind"] as String):\($0["state"] as String)" }
        #expect(states == ["failover:succeeded", "failback:succeeded", "failover:suppressed"])
        #expect(try fixture.executions().last?["suppressed_reason"] as String? == "max_executions")
        let runbook = try #require(fixture.policy.settings.catalog.runbook(named: "failover-us-east"))
        let refused = try await fixture.ledger.requestFailover(
            runbook: runbook, key: Scenario.region, request: OperatorRequest(actor: "admin:bearer"),
            now: EngineFixture.now())
        #expect(refused.refusal?.contains("flap guard") == true)
        let forced = try await fixture.ledger.requestFailover(
            runbook: runbook, key: Scenario.region, request: OperatorRequest(actor: "admin:bearer", force: true),
            now: EngineFixture.now())
        #expect(forced.refusal == nil && forced.executionID != nil)
        await fixture.stop()
    }

    @Test("a paused runbook records automatic executions as suppressed; resumed, it acts again")
    func pause() async throws {
        let fixture = try EngineFixture(runbooks: [Scenario.runbook()])
        #expect(
            try await fixture.ledger.pause(
                runbook: "failover-us-east", actor: "admin:bearer", reason: "maintenance", now: EngineFixture.now()))
        #expect(
            !(try await fixture.ledger.pause(
                runbook: "failover-us-east", actor: "admin:bearer", reason: nil, now: EngineFixture.now())))
        let firing = Scenario.alert(.firing)
        try await fixture.post(firing)
        #expect(try fixture.executions().map { $0["state"] as String } == ["suppressed"])
        #expect(try fixture.executions().first?["suppressed_reason"] as String? == "paused")
        #expect(fixture.dns.writes.isEmpty)
        #expect(
            try await fixture.ledger.resume(
                runbook: "failover-us-east", actor: "admin:bearer", now: EngineFixture.now()))
        let types = try fixture.auditTypes()
        #expect(
            types.contains("runbook.paused") && types.contains("runbook.resumed")
                && types.contains("runbook.suppressed"))
        await fixture.stop()
    }

    @Test("a failing step stops the execution as failed; on_failure: continue goes on")
    func stepFailure() async throws {
        let check = RunbookStep(
            .httpCheck(
                HTTPCheckSpecification(
                    url: try RunbookTemplate(parsing: "http://198.51.100.5/healthz"), attempts: 2,
                    interval: .milliseconds(10))))
        let fixture = try EngineFixture(runbooks: [
            Scenario.runbook(steps: [check, Scenario.dns(target: "198.51.100.5")])
        ])
        try await fixture.post(Scenario.alert(.firing))
        try await fixture.waitUntilIdle()
        let execution = try #require(try fixture.executions().first)
        #expect(execution["state"] as String == "failed")
        #expect((execution["error"] as String?)?.contains("precondition failed") == true)
        #expect(fixture.dns.writes.isEmpty, "never fail over to a dead region")
        #expect(try fixture.phase("failover-us-east", Scenario.region) == "failed")
        #expect(fixture.http.requests.withLock { $0.count } == 2)
        await fixture.stop()

        let tolerant = RunbookStep(check.action, onFailure: .continue)
        let going = try EngineFixture(runbooks: [
            Scenario.runbook(steps: [tolerant, Scenario.dns(target: "198.51.100.5")])
        ])
        try await going.post(Scenario.alert(.firing))
        try await going.waitUntilIdle()
        #expect(try going.executions().first?["state"] as String? == "succeeded")
        #expect(going.dns.writes == ["linode-main/app=198.51.100.5"])
        let steps = try going.read {
            try String.fetchAll($0, sql: "SELECT state FROM execution_steps ORDER BY position")
        }
        #expect(steps == ["failed", "succeeded"])
        await going.stop()
    }

    @Test("dry run: DNS is read and planned, nothing changes, the key does not move")
    func dryRun() async throws {
        let exec = RunbookStep(.exec(ExecSpecification(command: [try RunbookTemplate(parsing: "/bin/true")])))
        let fixture = try EngineFixture(
            runbooks: [Scenario.runbook(steps: [Scenario.dns(target: "198.51.100.5"), exec])], dryRun: true)
        try await fixture.post(Scenario.alert(.firing))
        try await fixture.waitUntilIdle()
        #expect(fixture.dns.writes.isEmpty)
        #expect(fixture.processes.launches.withLock { $0.isEmpty })
        let execution = try #require(try fixture.executions().first)
        #expect(execution["dry_run"] as Bool == true && execution["state"] as String == "succeeded")
        #expect(try fixture.phase("failover-us-east", Scenario.region) == "normal")
        let steps = try fixture.read {
            try String.fetchAll($0, sql: "SELECT state FROM execution_steps ORDER BY position")
        }
        #expect(steps == ["skipped", "skipped"])
        await fixture.stop()
    }

    @Test("parallel DNS steps run at once and both land")
    func parallelGroup() async throws {
        let group = RunbookStep(
            .parallel([
                Scenario.dns("linode-main", target: "198.51.100.5"), Scenario.dns("do-main", target: "198.51.100.6"),
            ]))
        let fixture = try EngineFixture(runbooks: [Scenario.runbook(steps: [group])])
        // Each provider holds its answer until both are in flight: sequential steps could never finish.
        fixture.dns.state.withLock {
            $0.gate["linode-main/app"] = true
            $0.gate["do-main/app"] = true
        }
        try await fixture.post(Scenario.alert(.firing))
        try await fixture.waitUntil("both providers are called at once") {
            fixture.dns.state.withLock { $0.inFlight == 2 }
        }
        fixture.dns.state.withLock { $0.gate.removeAll() }
        try await fixture.waitUntilIdle()
        #expect(fixture.dns.state.withLock { $0.mostInFlight } == 2)
        #expect(
            fixture.dns.targets("linode-main") == ["198.51.100.5"] && fixture.dns.targets("do-main") == ["198.51.100.6"]
        )
        let paths = try fixture.read {
            try String.fetchAll($0, sql: "SELECT path FROM execution_steps ORDER BY position")
        }
        #expect(paths == ["0", "0.0", "0.1"])
        await fixture.stop()
    }

    @Test("two runbooks writing one record set run one at a time")
    func recordSetLock() async throws {
        let first = Scenario.runbook("first", steps: [Scenario.dns(target: "198.51.100.5")])
        var second = Scenario.runbook("second", steps: [Scenario.dns(target: "198.51.100.5")])
        second.matchers = first.matchers
        let fixture = try EngineFixture(runbooks: [first, second])
        fixture.dns.state.withLock { $0.delay = .milliseconds(200) }
        try await fixture.post(Scenario.alert(.firing))
        try await fixture.waitUntil("both claimed once") {
            try fixture.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM executions WHERE started_at_ms IS NOT NULL")
            } == 2
        }
        try await fixture.waitUntilIdle()
        let spans = try fixture.read { db in
            try Row.fetchAll(
                db, sql: "SELECT started_at_ms, finished_at_ms FROM execution_steps ORDER BY started_at_ms")
        }
        #expect(spans.count == 2)
        #expect((spans[0]["finished_at_ms"] as Int64) <= (spans[1]["started_at_ms"] as Int64))
        await fixture.stop()
    }
}
