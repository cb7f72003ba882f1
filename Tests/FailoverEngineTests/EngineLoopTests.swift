import FailoverCore
import FailoverEngine
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
    func nextDueTime() async throws -> Int64? { nil }
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
            catalog: { .empty }, dns: FakeRecordSets(), http: FakeStepHTTP(), processes: FakeProcesses(),
            logger: logger)
        engine.start()
        // Each wake-up is one pass; a cancelled timer must not turn into another.
        for expected in 1...5 {
            engine.wake()
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
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
