import FailoverCore
import FailoverEngine
import FailoverStore
import FailoverTestSupport
import Foundation
import GRDB
import Testing

/// What a process that died mid-execution leaves behind, and how the next one picks it up: claims in the
/// database (owner, lease, fencing token), never in memory.
@Suite("Crash recovery: claims, leases and fencing tokens", .timeLimit(.minutes(2)))
struct CrashRecoveryTests {
    static let steps = [
        Scenario.dns("linode-main", target: "198.51.100.5"), Scenario.dns("do-main", target: "198.51.100.6"),
        Scenario.dns("third", target: "198.51.100.7"),
    ]

    /// A store whose execution a dead process claimed and ran up to `finished` steps, with `running` in flight.
    static func leftBehind(
        finished: Int, inFlight: Bool, steps: [RunbookStep] = steps, digest: String = ""
    ) async throws -> (TemporaryDirectory, ExecutionClaim) {
        var runbook = Scenario.runbook(steps: steps)
        runbook.digest = digest
        let dead = try EngineFixture(runbooks: [runbook], owner: "dead-process", start: false)
        try await dead.post(Scenario.alert(.firing))
        let claims = try await dead.ledger.claimDue(
            owner: "dead-process", limit: 1, lease: .seconds(3600), now: EngineFixture.now())
        let claim = try #require(claims.first)
        for index in 0..<(finished + (inFlight ? 1 : 0)) {
            let start = StepStart(
                path: "\(index)", position: index * 1000, kind: "dns", name: nil, summary: "step \(index)")
            _ = try await dead.ledger.recordStepStarted(
                start, of: claim, lease: .seconds(3600), now: EngineFixture.now())
            if index < finished {
                _ = try await dead.ledger.recordStepFinished(
                    StepResult(
                        path: "\(index)", state: .succeeded, attempts: 1, summary: "done", advancesTo: index + 1),
                    of: claim, lease: .seconds(3600), now: EngineFixture.now())
            }
        }
        // The process dies: nothing is released (a graceful stop would have).
        dead.writer.shutdown()
        dead.store.close()
        return (dead.directory, claim)
    }

    @Test(
        "a restart takes the dead owner's claim back at once and resumes at the first unfinished step",
        arguments: [0, 1, 2])
    func resumes(finished: Int) async throws {
        let (directory, _) = try await Self.leftBehind(finished: finished, inFlight: true)
        let fixture = try EngineFixture(
            runbooks: [Scenario.runbook(steps: Self.steps)], owner: "new-process", directory: directory)
        try await fixture.waitUntilIdle()
        let execution = try #require(try fixture.executions().first)
        #expect(execution["state"] as String == "succeeded")
        #expect(execution["claims"] as Int == 2)
        // Steps before the interruption are not run again; the one in flight is rerun, the rest run once.
        let expected = ["linode-main/app=198.51.100.5", "do-main/app=198.51.100.6", "third/app=198.51.100.7"]
        #expect(fixture.dns.writes == Array(expected.dropFirst(finished)))
        let runs = try fixture.read { try Int.fetchAll($0, sql: "SELECT runs FROM execution_steps ORDER BY position") }
        #expect(runs == Array(repeating: 1, count: finished) + [2] + Array(repeating: 1, count: 2 - finished))
        let types = try fixture.auditTypes()
        #expect(types.contains("runbook.claim_lost"))
        #expect(try fixture.phase("failover-us-east", Scenario.region) == "failed_over")
        await fixture.stop()
    }

    @Test("a restart with another definition fails the interrupted execution clearly; the same definition resumes")
    func definitionChangedAcrossRestart() async throws {
        let (directory, claim) = try await Self.leftBehind(finished: 1, inFlight: false, digest: "digest-v1")
        #expect(claim.definitionDigest == "digest-v1")
        var changed = Scenario.runbook(steps: [Scenario.dns("third", target: "198.51.100.9")] + Self.steps)
        changed.digest = "digest-v2"
        let fixture = try EngineFixture(runbooks: [changed], owner: "new-process", directory: directory)
        try await fixture.waitUntilIdle()
        let execution = try #require(try fixture.executions().first)
        #expect(execution["state"] as String == "failed")
        #expect((execution["error"] as String?)?.contains("is not loaded: the configuration changed") == true)
        #expect(fixture.dns.writes.isEmpty)
        await fixture.stop()

        let (sameDirectory, _) = try await Self.leftBehind(finished: 1, inFlight: false, digest: "digest-v1")
        var same = Scenario.runbook(steps: Self.steps)
        same.digest = "digest-v1"
        let resumed = try EngineFixture(runbooks: [same], owner: "new-process", directory: sameDirectory)
        try await resumed.waitUntilIdle()
        #expect(try resumed.executions().first?["state"] as String? == "succeeded")
        #expect(resumed.dns.writes == ["do-main/app=198.51.100.6", "third/app=198.51.100.7"])
        await resumed.stop()
    }

    @Test("on_interrupted: fail ends the execution as failed instead of rerunning the step")
    func interruptedFails() async throws {
        var steps = Self.steps
        steps[1].onInterrupted = .fail
        let (directory, _) = try await Self.leftBehind(finished: 1, inFlight: true, steps: steps)
        let fixture = try EngineFixture(
            runbooks: [Scenario.runbook(steps: steps)], owner: "new-process", directory: directory)
        try await fixture.waitUntilIdle()
        let execution = try #require(try fixture.executions().first)
        #expect(execution["state"] as String == "failed")
        #expect((execution["error"] as String?)?.contains("interrupted") == true)
        #expect(fixture.dns.writes.isEmpty)
        #expect(try fixture.phase("failover-us-east", Scenario.region) == "failed")
        await fixture.stop()
    }

    @Test("a write under a stale fencing token changes nothing: the old owner cannot record over its successor")
    func staleFence() async throws {
        let (directory, oldClaim) = try await Self.leftBehind(finished: 0, inFlight: true)
        let fixture = try EngineFixture(
            runbooks: [Scenario.runbook(steps: Self.steps)], owner: "new-process", start: false, directory: directory)
        let now = EngineFixture.now()
        #expect(try await fixture.ledger.takeBackClaims(except: "new-process", now: now) == 1)
        let claims = try await fixture.ledger.claimDue(owner: "new-process", limit: 1, lease: .seconds(30), now: now)
        let claim = try #require(claims.first)
        #expect(claim.fence > oldClaim.fence)
        #expect(claim.resumed && claim.nextStep == 0 && claim.recordedSteps["0"] == .running)
        let before = try fixture.read { try Row.fetchAll($0, sql: "SELECT * FROM execution_steps") }
        let auditBefore = try fixture.auditTypes().count
        let late = try await fixture.ledger.recordStepFinished(
            StepResult(
                path: "0", state: .succeeded, attempts: 1, summary: "the old owner's late answer", advancesTo: 1),
            of: oldClaim, lease: .seconds(30), now: EngineFixture.now())
        #expect(late == .lost)
        #expect(
            try await fixture.ledger.finish(oldClaim, state: .succeeded, error: nil, now: EngineFixture.now()) == .lost)
        #expect(try fixture.read { try Row.fetchAll($0, sql: "SELECT * FROM execution_steps") } == before)
        #expect(try fixture.auditTypes().count == auditBefore)
        #expect(try fixture.executions().first?["state"] as String? == "running")
        #expect(try fixture.executions().first?["claim_owner"] as String? == "new-process")
        await fixture.stop()
    }

    @Test("an expired lease lets another owner claim; the first owner's renewal then says lost")
    func expiredLease() async throws {
        let fixture = try EngineFixture(runbooks: [Scenario.runbook()], start: false)
        try await fixture.post(Scenario.alert(.firing))
        let now = EngineFixture.now()
        let first = try #require(
            try await fixture.ledger.claimDue(owner: "a", limit: 1, lease: .milliseconds(100), now: now).first)
        #expect(try await fixture.ledger.claimDue(owner: "b", limit: 1, lease: .seconds(30), now: now + 50).isEmpty)
        let second = try #require(
            try await fixture.ledger.claimDue(owner: "b", limit: 1, lease: .seconds(30), now: now + 200).first)
        #expect(second.fence > first.fence)
        #expect(try await fixture.ledger.renew(first, lease: .seconds(30), now: now + 250) == .lost)
        #expect(
            try await fixture.ledger.renew(second, lease: .seconds(30), now: now + 250) == .held(cancelRequestedBy: nil)
        )
        await fixture.stop()
    }

    @Test("a graceful stop releases claims: the next start resumes without waiting for the lease")
    func gracefulStop() async throws {
        let fixture = try EngineFixture(runbooks: [Scenario.runbook(steps: Self.steps)], lease: .seconds(3600))
        fixture.dns.state.withLock { $0.gate["do-main/app"] = true }
        try await fixture.post(Scenario.alert(.firing))
        try await fixture.waitUntil("the second step runs") {
            try fixture.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM execution_steps") } == 2
        }
        let stopping = Task { await fixture.stop(keepFiles: true) }
        try await Task.sleep(for: .milliseconds(100))
        fixture.dns.state.withLock { $0.gate["do-main/app"] = false }
        await stopping.value
        let restarted = try EngineFixture(
            runbooks: [Scenario.runbook(steps: Self.steps)], owner: "next", directory: fixture.directory)
        try await restarted.waitUntilIdle()
        #expect(try restarted.executions().first?["state"] as String? == "succeeded")
        #expect(!(try restarted.auditTypes().contains("runbook.claim_lost")), "released, not taken back")
        await restarted.stop()
    }

    @Test("an operator's cancel stops a running execution at the next step boundary")
    func cancelAtBoundary() async throws {
        let fixture = try EngineFixture(runbooks: [Scenario.runbook(steps: Self.steps)])
        fixture.dns.state.withLock { $0.gate["linode-main/app"] = true }
        try await fixture.post(Scenario.alert(.firing))
        try await fixture.waitUntil("the first step runs") {
            try fixture.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM execution_steps") } == 1
        }
        let id = try #require(try fixture.executions().first?["id"] as Int64?)
        #expect(
            try await fixture.ledger.cancel(executionID: id, actor: "admin:bearer", now: EngineFixture.now())
                == .requested)
        fixture.dns.state.withLock { $0.gate["linode-main/app"] = false }
        try await fixture.waitUntilIdle()
        let execution = try #require(try fixture.executions().first)
        #expect(execution["state"] as String == "cancelled")
        #expect(fixture.dns.writes == ["linode-main/app=198.51.100.5"], "the step in flight finished, no other started")
        #expect(try fixture.phase("failover-us-east", Scenario.region) == "failed")
        #expect(
            try await fixture.ledger.cancel(executionID: id, actor: "admin:bearer", now: EngineFixture.now())
                == .alreadyFinal(.cancelled))
        await fixture.stop()
    }
}
