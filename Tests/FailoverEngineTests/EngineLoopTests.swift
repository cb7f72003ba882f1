import FailoverCore
import FailoverEngine
import FailoverStore
import FailoverTestSupport
import Foundation
import Synchronization
import Testing

/// A ledger with nothing to do that counts how often the engine asks.
final class IdleLedger: ExecutionLedger, Sendable {
    let passes = Mutex(0)

    func takeBackClaims(except owner: String, now: Int64) async throws -> Int { 0 }
    func runTimers(now: Int64) async throws -> [Int64] {
        passes.withLock { $0 += 1 }
        return []
    }
    func nextDueTime(after now: Int64) async throws -> Int64? { nil }
    func claimDue(owner: String, limit: Int, lease: Duration, now: Int64) async throws -> [ExecutionClaim] { [] }
    func renew(_ claim: ExecutionClaim, lease: Duration, now: Int64) async throws -> ClaimStatus { .lost }
    func recordStepStarted(
        _ step: StepStart, of claim: ExecutionClaim, lease: Duration, now: Int64
    ) async throws
        -> ClaimStatus
    { .lost }
    func recordStepFinished(
        _ result: StepResult, of claim: ExecutionClaim, lease: Duration, now: Int64
    ) async throws
        -> ClaimStatus
    { .lost }
    func finish(_ claim: ExecutionClaim, state: ExecutionState, error: String?, now: Int64) async throws -> ClaimStatus
    {
        .lost
    }
    func release(owner: String) async throws {}
}

@Suite("Engine loop", .timeLimit(.minutes(1)))
struct EngineLoopTests {
    @Test("an idle engine sleeps: woken or not, it passes once per wake-up or poll interval, never in a loop")
    func idleEngineDoesNotSpin() async throws {
        let ledger = IdleLedger()
        let (logger, _) = InMemoryLogHandler.logger()
        let engine = RunbookEngine(
            configuration: EngineConfiguration(owner: "idle", pollInterval: .seconds(3600)), ledger: ledger,
            definition: { _, _ in nil }, dns: FakeRecordSets(), http: FakeStepHTTP(), processes: FakeProcesses(),
            logger: logger)
        engine.start()
        // Each wake-up is one pass; a cancelled timer must not turn into another.
        for expected in 1...5 {
            engine.wake()
            let deadline = ContinuousClock.now.advanced(by: .seconds(90))
            while ledger.passes.withLock({ $0 }) < expected + 1, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        // One pass at start and one per wake-up; a spinning loop makes thousands in this time.
        #expect(ledger.passes.withLock { $0 } <= 7)
        await engine.shutdown(gracePeriod: .seconds(1))
    }
}

/// The SQLite ledger, counting the engine's passes.
final class CountingLedger: ExecutionLedger, Sendable {
    let inner: RunbookLedger
    let passes = Mutex(0)

    init(_ inner: RunbookLedger) { self.inner = inner }

    func takeBackClaims(except owner: String, now: Int64) async throws -> Int {
        try await inner.takeBackClaims(except: owner, now: now)
    }
    func runTimers(now: Int64) async throws -> [Int64] {
        passes.withLock { $0 += 1 }
        return try await inner.runTimers(now: now)
    }
    func nextDueTime(after now: Int64) async throws -> Int64? { try await inner.nextDueTime(after: now) }
    func claimDue(owner: String, limit: Int, lease: Duration, now: Int64) async throws -> [ExecutionClaim] {
        try await inner.claimDue(owner: owner, limit: limit, lease: lease, now: now)
    }
    func renew(_ claim: ExecutionClaim, lease: Duration, now: Int64) async throws -> ClaimStatus {
        try await inner.renew(claim, lease: lease, now: now)
    }
    func recordStepStarted(
        _ step: StepStart, of claim: ExecutionClaim, lease: Duration, now: Int64
    ) async throws
        -> ClaimStatus
    { try await inner.recordStepStarted(step, of: claim, lease: lease, now: now) }
    func recordStepFinished(
        _ result: StepResult, of claim: ExecutionClaim, lease: Duration, now: Int64
    ) async throws
        -> ClaimStatus
    { try await inner.recordStepFinished(result, of: claim, lease: lease, now: now) }
    func finish(_ claim: ExecutionClaim, state: ExecutionState, error: String?, now: Int64) async throws -> ClaimStatus
    {
        try await inner.finish(claim, state: state, error: error, now: now)
    }
    func release(owner: String) async throws { try await inner.release(owner: owner) }
}

@Suite("Engine loop over the SQLite ledger", .timeLimit(.minutes(1)))
struct EngineStoreLoopTests {
    @Test("the engine's own transactions do not wake it again: idle, it passes at the poll interval only")
    func ownTransactionsDoNotWake() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (logger, _) = InMemoryLogHandler.logger()
        let store = try StateStore(path: directory.file("state.db"), logger: logger)
        let wake = EngineFixture.Wakeup()
        let writer = IngestWriter(store: store, logger: logger, onScheduled: { wake.wake() })
        let ledger = CountingLedger(RunbookLedger(writer: writer, store: store))
        let engine = RunbookEngine(
            configuration: EngineConfiguration(owner: "idle", pollInterval: .seconds(3600)), ledger: ledger,
            definition: { _, _ in nil }, dns: FakeRecordSets(), http: FakeStepHTTP(), processes: FakeProcesses(),
            logger: logger)
        wake.set(engine)
        engine.start()
        engine.wake()
        let deadline = ContinuousClock.now.advanced(by: .seconds(90))
        while ledger.passes.withLock({ $0 }) < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(ledger.passes.withLock { $0 } <= 3)
        await engine.shutdown(gracePeriod: .seconds(1))
        writer.shutdown()
        store.close()
    }

    @Test("an execution waiting for a lock held by a running one does not make the engine spin")
    func waitingForALockDoesNotSpin() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (logger, _) = InMemoryLogHandler.logger()
        let store = try StateStore(path: directory.file("state.db"), logger: logger)
        let first = Scenario.runbook("first", steps: [Scenario.dns(target: "198.51.100.5")])
        var second = Scenario.runbook("second", steps: [Scenario.dns(target: "198.51.100.5")])
        second.matchers = first.matchers
        let policy = RunbookPolicy(RunbookPolicy.Settings(catalog: RunbookCatalog([first, second])))
        let wake = EngineFixture.Wakeup()
        let writer = IngestWriter(store: store, logger: logger, policy: policy, onScheduled: { wake.wake() })
        let ledger = CountingLedger(RunbookLedger(writer: writer, store: store))
        let dns = FakeRecordSets()
        dns.state.withLock { $0.gate["linode-main/app"] = true }
        let engine = RunbookEngine(
            configuration: EngineConfiguration(owner: "busy", pollInterval: .seconds(3600)), ledger: ledger,
            definition: policy.definition(named:digest:), dns: dns, http: FakeStepHTTP(), processes: FakeProcesses(),
            logger: logger)
        wake.set(engine)
        engine.start()
        let webhook = AlertmanagerWebhook(
            receiver: "r", status: .firing, alerts: [Scenario.alert(.firing)], groupKey: "g")
        _ = try await writer.submit(
            PreparedDelivery(
                webhook: webhook, body: Data("{}".utf8), bodySHA256: String(repeating: "0", count: 64),
                receivedAtMilliseconds: EngineFixture.now(), remoteAddress: "127.0.0.1", authenticatedAs: nil)
        ).get()
        let deadline = ContinuousClock.now.advanced(by: .seconds(90))
        while dns.state.withLock({ $0.inFlight }) < 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let passesBefore = ledger.passes.withLock { $0 }
        try await Task.sleep(for: .milliseconds(500))
        #expect(ledger.passes.withLock { $0 } - passesBefore <= 2, "the blocked execution is due, not a reason to pass")
        dns.state.withLock { $0.gate.removeAll() }
        await engine.shutdown(gracePeriod: .seconds(5))
        writer.shutdown()
        store.close()
    }
}
