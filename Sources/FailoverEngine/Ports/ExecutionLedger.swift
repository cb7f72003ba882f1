import FailoverCore

/// What the engine needs from the store: timers, claims with leases and fencing tokens, and step records written
/// under the claim. Each call is one short transaction; the engine never holds one across a step.
///
/// Every write under a claim returns ``ClaimStatus/lost`` (and changes nothing) when the claim is no longer the
/// current one: the worker then stops without recording anything more.
public protocol ExecutionLedger: Sendable {
    /// Frees claims of earlier processes (the service owns the database alone); returns how many.
    func takeBackClaims(except owner: String, now: Int64) async throws -> Int
    /// Confirms due reopenings and ends due failback holds; returns the executions that scheduled.
    func runTimers(now: Int64) async throws -> [Int64]
    /// The earliest time after `now` at which a timer or an execution falls due (`nil`: none).
    func nextDueTime(after now: Int64) async throws -> Int64?
    /// Claims up to `limit` due executions whose locks are free.
    func claimDue(owner: String, limit: Int, lease: Duration, now: Int64) async throws -> [ExecutionClaim]
    /// Extends the lease.
    func renew(_ claim: ExecutionClaim, lease: Duration, now: Int64) async throws -> ClaimStatus
    /// Records a step's start.
    func recordStepStarted(
        _ step: StepStart, of claim: ExecutionClaim, lease: Duration, now: Int64
    ) async throws
        -> ClaimStatus
    /// Records a step's result.
    func recordStepFinished(
        _ result: StepResult, of claim: ExecutionClaim, lease: Duration, now: Int64
    ) async throws
        -> ClaimStatus
    /// Ends the execution.
    func finish(_ claim: ExecutionClaim, state: ExecutionState, error: String?, now: Int64) async throws -> ClaimStatus
    /// Gives up this owner's claims (graceful stop).
    func release(owner: String) async throws
}
