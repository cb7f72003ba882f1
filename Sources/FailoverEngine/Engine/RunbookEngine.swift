import FailoverCore
import Foundation
import Logging
import Synchronization

/// The runbook engine: finds due timers and executions, claims them in the store and runs their steps on workers
/// of its own (Swift tasks, apart from the HTTP polling threads and the ingest writer's thread).
///
/// Nothing lives only in memory: every decision and step result is in the store before the engine moves on, so a
/// crash loses at most the step in flight (rerun at the next claim, or failed, per `on_interrupted`). Wake-ups
/// (``wake()``, after a commit that scheduled something) are hints; the engine also polls every
/// ``EngineConfiguration/pollInterval``.
public final class RunbookEngine: Sendable {
    /// The configuration.
    public let configuration: EngineConfiguration
    let ledger: any ExecutionLedger
    let definition: @Sendable (_ runbook: String, _ digest: String?) -> RunbookDefinition?
    let performer: StepPerformer
    let logger: Logger
    let observer: (any EngineObserver)?

    private struct Running {
        var loop: Task<Void, Never>?
        var executions: [Int64: Task<Void, Never>] = [:]
        var stopping = false
        var wakeups: AsyncStream<Void>.Continuation?
    }

    private let running = Mutex(Running())

    /// Creates an engine.
    ///
    /// - Parameters:
    ///   - definition: the definition an execution runs, by runbook name and the digest it was scheduled with
    ///     (a reload may change the runbooks in force; an execution keeps its version).
    ///   - observer: told about executions and steps (metrics).
    public init(
        configuration: EngineConfiguration, ledger: any ExecutionLedger,
        definition: @escaping @Sendable (_ runbook: String, _ digest: String?) -> RunbookDefinition?,
        dns: any DNSProviderDirectory, http: any StepHTTPClient, processes: any StepProcessLauncher, logger: Logger,
        observer: (any EngineObserver)? = nil
    ) {
        self.configuration = configuration
        self.ledger = ledger
        self.definition = definition
        self.logger = logger
        self.observer = observer
        performer = StepPerformer(
            dns: dns, http: http, processes: processes, configuration: configuration, logger: logger)
    }

    /// Starts the loop: it first takes back claims of earlier processes, then runs what is due at once.
    public func start() {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let task = Task { [self] in
            await takeBackEarlierClaims()
            await loop(wakeups: stream)
        }
        running.withLock {
            $0.wakeups = continuation
            $0.loop = task
        }
    }

    private func takeBackEarlierClaims() async {
        do {
            let freed = try await ledger.takeBackClaims(except: configuration.owner, now: Self.now())
            if freed > 0 {
                logger.warning(
                    "took back executions claimed by an earlier process; they resume at their first unfinished step",
                    metadata: ["executions": "\(freed)"])
            }
        } catch {
            logger.error(
                "cannot take back earlier claims; they resume when their leases expire",
                metadata: ["error": "\(error)"])
        }
    }

    /// Asks the loop to look for due work now (after a commit that scheduled an execution).
    public func wake() {
        _ = running.withLock { $0.wakeups?.yield(()) }
    }

    /// Executions running now.
    public var runningCount: Int { running.withLock { $0.executions.count } }

    /// Stops claiming, lets running executions finish their current step (up to `gracePeriod`, then cuts them
    /// short without recording the step in flight), then gives up their claims so that the next start resumes them
    /// at once. Returns when every worker has stopped.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let (loop, executions) = running.withLock { state -> (Task<Void, Never>?, [Task<Void, Never>]) in
            state.stopping = true
            state.wakeups?.finish()
            return (state.loop, Array(state.executions.values))
        }
        loop?.cancel()
        await loop?.value
        // Running executions stop at their next step boundary when cancelled; give them the grace period first.
        let deadline = ContinuousClock.now.advanced(by: gracePeriod)
        while ContinuousClock.now < deadline, runningCount > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for task in executions { task.cancel() }
        for task in executions { await task.value }
        do {
            try await ledger.release(owner: configuration.owner)
        } catch {
            logger.warning(
                "cannot release claims at stop; they resume once their leases expire", metadata: ["error": "\(error)"])
        }
    }

    // MARK: The loop

    private func loop(wakeups: AsyncStream<Void>) async {
        var iterator = wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            await pass()
            // Sleep until woken or the poll interval passes, whichever comes first.
            let interval = configuration.pollInterval
            let nextDue = (try? await ledger.nextDueTime(after: Self.now())).flatMap { $0 }
            var sleep = interval
            if let nextDue {
                let wait = Duration.milliseconds(max(0, nextDue - Self.now()))
                if wait < sleep { sleep = wait }
            }
            if sleep <= .zero { continue }
            let timer = Task {
                // A cancelled timer must not wake the loop, or cancelling it would spin the loop.
                guard (try? await Task.sleep(for: sleep)) != nil else { return }
                self.wake()
            }
            let woken = await iterator.next()
            timer.cancel()
            if woken == nil { return }
        }
    }

    /// One pass: timers, then claims for every free worker.
    private func pass() async {
        let now = Self.now()
        do {
            _ = try await ledger.runTimers(now: now)
        } catch {
            logger.error("runbook timers failed; retrying at the next pass", metadata: ["error": "\(error)"])
        }
        let free = running.withLock { $0.stopping ? 0 : configuration.workers - $0.executions.count }
        guard free > 0 else { return }
        let claims: [ExecutionClaim]
        do {
            claims = try await ledger.claimDue(
                owner: configuration.owner, limit: free, lease: configuration.lease, now: Self.now())
        } catch {
            logger.error("claiming due executions failed; retrying at the next pass", metadata: ["error": "\(error)"])
            return
        }
        for claim in claims { launch(claim) }
    }

    private func launch(_ claim: ExecutionClaim) {
        let runner = ExecutionRunner(
            claim: claim, runbook: definition(claim.runbook, claim.definitionDigest), ledger: ledger,
            performer: performer,
            configuration: configuration, logger: logger, observer: observer,
            stopping: { [self] in self.running.withLock { $0.stopping } })
        running.withLock { state in
            let task = Task { [self] in
                await runner.run()
                self.running.withLock { _ = $0.executions.removeValue(forKey: claim.executionID) }
                // A finished execution may free a lock another one waits for.
                self.wake()
            }
            state.executions[claim.executionID] = task
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// Told what the engine does, for metrics; called on the engine's tasks, keep it short.
public protocol EngineObserver: Sendable {
    /// An execution ended (or its claim was lost: `state` is `nil`).
    func executionEnded(runbook: String, kind: ExecutionKind, state: ExecutionState?, duration: Duration)
    /// A step ended.
    func stepEnded(runbook: String, kind: String, state: StepRecordState, duration: Duration)
}
