import FailoverCore
import Foundation
import GRDB
import Logging

/// The single writer of webhook deliveries, with group commit.
///
/// Requests hand their prepared delivery to ``submit(_:)`` and wait. One dedicated thread takes everything that
/// is waiting (up to ``IngestSettings``' batch size), applies it in one transaction, commits once (one fsync
/// for the whole batch) and then answers every waiter. Nobody is answered before the commit has returned, and
/// a failed commit answers every member of the batch with an error while storing none of them. A delivery that
/// fails on its own (its statements, not the storage) is rolled back to its savepoint and answered with an error;
/// the rest of its batch commits.
///
/// The queue is bounded: past `maxPending` waiting deliveries, ``submit(_:)`` fails at once with
/// ``IngestError/overloaded(pending:)``.
public final class IngestWriter: @unchecked Sendable {
    /// What the writer reports after each transaction, for metrics.
    public struct BatchReport: Sendable {
        /// Deliveries in the batch.
        public var deliveries: Int
        /// Whether the commit succeeded.
        public var committed: Bool
        /// Time spent in the transaction, commit included.
        public var duration: Duration
        /// Per-alert transitions applied (empty when the commit failed).
        public var transitions: [EpisodeTransition]
    }

    /// Called once with the outcome of a submitted delivery, on the writer's thread: keep it short.
    public typealias DeliveryCompletion = @Sendable (Result<IngestReceipt, IngestError>) -> Void

    private enum Work {
        case delivery(PreparedDelivery, DeliveryCompletion)
        case probe(Int64, @Sendable (Result<Void, IngestError>) -> Void)
        /// A transaction of its own (the engine's plan-shaped writes), never batched with others.
        case transaction(
            @Sendable (Database, AuditWriter) throws -> Void, @Sendable (Result<Void, IngestError>) -> Void,
            durable: Bool)

        var isTransaction: Bool {
            if case .transaction = self { return true }
            return false
        }

        /// Whether committing it proves (or its failure disproves) that webhooks can be stored: a delivery, or an
        /// engine transaction (audit appends and rows like a webhook's), not a bare heartbeat.
        var writesLikeAWebhook: Bool {
            if case .probe = self { return false }
            return true
        }
    }

    private let store: StateStore
    private let maxBatchSize: Int
    private let maxPending: Int
    private let logger: Logger
    private let onBatch: (@Sendable (BatchReport) -> Void)?
    /// The runbooks and period settings the ingest decisions use.
    public let policy: RunbookPolicy
    private let onScheduled: (@Sendable () -> Void)?

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [Work] = []
    private var committing = 0
    // Prepared on the writer connection at the first commit; used only inside its transactions.
    private var statements: IngestStatements?
    // Appends audit events in the same transactions (the writer connection is the log's only routine writer).
    private var audit: AuditWriter?
    private var accepting = true
    /// Why the last webhook batch or engine transaction failed for the storage's sake, until a commit of either
    /// succeeds, or a readiness probe stores as much as a webhook would.
    private var storageFault: String?
    private var running = false
    private var stopped = false
    /// A caller's thread is committing a delivery itself (``submit(_:committingHereWhenIdle:completion:)``): the
    /// writer thread takes no batch meanwhile.
    private var inlineCommitting = false
    /// An inline commit asked the writer thread for the short copy of the log it would have made after a lone
    /// delivery of its own; `checkpointing` while the thread makes it.
    private var idleCheckpointDue = false
    private var checkpointing = false
    /// Webhooks have been arriving together (the last batch held several, or others came while it committed): they
    /// all go to the writer thread, whose group commit then overlaps with the polling threads reading the next ones.
    /// Cleared by a delivery committed alone with nothing arriving meanwhile.
    private var concurrentLoad = false

    /// Creates a writer over the store and starts its thread.
    ///
    /// - Parameters:
    ///   - policy: the runbooks matched against every alert and the firing-period settings.
    ///   - onScheduled: called after a commit that scheduled an execution (the engine's wake-up hint).
    public init(
        store: StateStore, maxBatchSize: Int = 256, maxPending: Int = 4096, logger: Logger,
        policy: RunbookPolicy = RunbookPolicy(), onBatch: (@Sendable (BatchReport) -> Void)? = nil,
        onScheduled: (@Sendable () -> Void)? = nil
    ) {
        self.store = store
        self.policy = policy
        self.onScheduled = onScheduled
        self.maxBatchSize = max(1, maxBatchSize)
        self.maxPending = max(1, maxPending)
        self.logger = logger
        self.onBatch = onBatch
        pending.reserveCapacity(min(maxPending, 1024))
        running = true
        let thread = Thread { [self] in run() }
        thread.name = "failoverd-ingest-writer"
        thread.start()
    }

    /// Why storing webhooks failed last, while it still does (see ``probe()``); `nil` when it works.
    public var currentStorageFault: String? {
        condition.lock()
        defer { condition.unlock() }
        return storageFault
    }

    /// Deliveries waiting for a commit right now.
    public var pendingCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return pending.count
    }

    /// Deliveries and probes in the transaction being committed right now (0 when idle).
    public var committingCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return committing
    }

    /// Stores one delivery durably and calls `completion` after its transaction has committed (or failed).
    /// A refusal (queue full, shutting down) calls it at once, on the caller's thread.
    public func submit(_ delivery: PreparedDelivery, completion: @escaping DeliveryCompletion) {
        if let refusal = enqueue(.delivery(delivery, completion)) {
            completion(.failure(refusal))
        }
    }

    /// Stores one delivery durably, committing it on the calling thread when the writer is idle.
    ///
    /// When nothing waits and nothing is being committed, and webhooks have not been arriving together, the
    /// delivery's transaction runs here, and `completion` has been called when this returns: one webhook alone
    /// does not pay for two thread hand-overs (to the writer thread and back), which at one connection made p50
    /// 0.90–1.46 ms against 0.90–1.03 ms without them (`Benchmarks/load.sh`, four alternated pairs). Otherwise, or
    /// when another connection holds the database lock (an inline commit never waits for it), the delivery is
    /// queued for the writer thread as ``submit(_:completion:)`` does, and concurrent webhooks keep their group
    /// commit. The short copy of the log that follows a lone delivery is left to the writer thread, so the caller
    /// is not held up by it.
    public func submit(
        _ delivery: PreparedDelivery, committingHereWhenIdle: Bool, completion: @escaping DeliveryCompletion
    ) {
        guard committingHereWhenIdle else { return submit(delivery, completion: completion) }
        let work = Work.delivery(delivery, completion)
        condition.lock()
        let idle = idleForInlineCommit
        if idle {
            inlineCommitting = true
            committing = 1
        }
        condition.unlock()
        guard idle else { return submit(delivery, completion: completion) }
        store.checkpointer.finishCheckpointIfDue(on: store.pool)
        store.busyWait.beginInline()
        let outcome = commit([work], inline: true)
        store.busyWait.endInline()
        condition.lock()
        inlineCommitting = false
        committing = 0
        switch outcome {
        case .committed(let arrivedMeanwhile, let scheduled):
            concurrentLoad = arrivedMeanwhile
            // Woken only when there is something to copy: a wake-up per webhook costs a context switch.
            if !arrivedMeanwhile && !scheduled && store.checkpointer.copyDueWhileIdle(afterBatchOf: 1) {
                idleCheckpointDue = true
            }
        case .lockedElsewhere:
            // Nothing of it was written: the writer thread stores it, first in line, waiting for the lock.
            pending.insert(work, at: 0)
        }
        // The writer thread is woken only when it has something to do: work that came meanwhile (or came back), the
        // log copy, or a shutdown. A wake-up after every webhook cost a context switch on the other core, and the
        // woken thread then held the lock the next webhook's submit wanted.
        if !pending.isEmpty || idleCheckpointDue || !accepting { condition.broadcast() }
        condition.unlock()
    }

    /// Whether a delivery submitted now would be committed on the caller's thread (guarded by `condition`): nothing
    /// waits or is being committed or copied, webhooks have not been arriving together (an inline commit holds up the
    /// polling thread, which would otherwise be reading the next webhooks while the writer thread commits), and no
    /// storage fault is on record (then the writer thread, which waits for locks, takes every webhook until a commit
    /// succeeds).
    private var idleForInlineCommit: Bool {
        accepting && !inlineCommitting && !checkpointing && !concurrentLoad && committing == 0 && pending.isEmpty
            && storageFault == nil
    }

    /// Whether a delivery submitted now would be committed on the caller's thread (for tests).
    var isIdleForInlineCommit: Bool {
        condition.lock()
        defer { condition.unlock() }
        return idleForInlineCommit
    }

    /// Stores one delivery durably; returns after its transaction has committed.
    public func submit(_ delivery: PreparedDelivery) async -> Result<IngestReceipt, IngestError> {
        await withCheckedContinuation { continuation in
            submit(delivery) { continuation.resume(returning: $0) }
        }
    }

    /// Commits a heartbeat through the writer: succeeds only when the database takes writes.
    ///
    /// A heartbeat rewrites one small row, which a full disk still takes: while the last webhook batch or engine
    /// transaction failed for the storage's sake (disk full, I/O error, locked, read-only), the probe also stores
    /// and removes 64 KiB of filler in the same transaction, more than a webhook writes, and succeeds only when
    /// that commits (which clears the fault).
    public func probe() async -> Result<Void, IngestError> {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return await withCheckedContinuation { continuation in
            if let refusal = enqueue(.probe(now, { continuation.resume(returning: $0) })) {
                continuation.resume(returning: .failure(refusal))
            }
        }
    }

    /// Runs `body` in a transaction of its own on the writer's connection, after the work queued before it; the
    /// result is returned after the commit. A throwing body rolls back and its error is rethrown.
    ///
    /// The engine's writes (claims, step records, timers, operator actions) go through here, so that the database
    /// has one writer and every change to runbook state is serialised with ingest.
    ///
    /// With `durable` false the commit does not wait for the disk (`synchronous = NORMAL` for this transaction
    /// alone): it survives the process's death but may be lost with the machine, and the next durable commit makes
    /// it durable too (the write-ahead log is synced in order).
    public func perform<T: Sendable>(
        durable: Bool = true, _ body: @escaping @Sendable (Database, AuditWriter) throws -> T
    ) async throws(IngestError) -> T {
        let box = TransactionResult<T>()
        let result: Result<Void, IngestError> = await withCheckedContinuation { continuation in
            let work = Work.transaction(
                { db, audit in box.set(try body(db, audit)) },
                { continuation.resume(returning: $0) }, durable: durable)
            if let refusal = enqueue(work, bounded: false) {
                continuation.resume(returning: .failure(refusal))
            }
        }
        try result.get()
        return box.take()
    }

    /// Refuses new work, commits everything already waiting, and stops the thread. Returns when it has stopped.
    public func shutdown() {
        condition.lock()
        accepting = false
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func enqueue(_ work: Work, bounded: Bool = true) -> IngestError? {
        condition.lock()
        defer { condition.unlock() }
        guard accepting else { return .shuttingDown }
        guard !bounded || pending.count < maxPending else { return .overloaded(pending: pending.count) }
        pending.append(work)
        condition.signal()
        return nil
    }

    private func run() {
        while true {
            condition.lock()
            while true {
                let batchReady = !pending.isEmpty && !inlineCommitting
                let checkpointReady = idleCheckpointDue && pending.isEmpty && !inlineCommitting
                let finished = pending.isEmpty && !accepting && !inlineCommitting
                if batchReady || checkpointReady || finished { break }
                condition.wait()
            }
            if pending.isEmpty && !inlineCommitting && idleCheckpointDue {
                // The copy an inline commit left to this thread (see `submit(_:committingHereWhenIdle:completion:)`).
                idleCheckpointDue = false
                checkpointing = true
                condition.unlock()
                store.checkpointer.checkpointWhileIdle(afterBatchOf: 1, on: store.pool)
                condition.lock()
                checkpointing = false
                condition.broadcast()
                condition.unlock()
                continue
            }
            if pending.isEmpty && !accepting {
                // Finalize the prepared statements on the writer connection, so the database can close.
                store.pool.writeWithoutTransaction { _ in
                    self.statements = nil
                    self.audit = nil
                }
                running = false
                condition.broadcast()
                condition.unlock()
                return
            }
            // A transaction runs alone; deliveries and probes up to the next one form a batch.
            var count = 1
            if !pending[0].isTransaction {
                let limit = min(pending.count, maxBatchSize)
                while count < limit && !pending[count].isTransaction { count += 1 }
            }
            let batch = Array(pending.prefix(count))
            pending.removeFirst(count)
            committing = count
            idleCheckpointDue = false
            condition.unlock()
            store.checkpointer.finishCheckpointIfDue(on: store.pool)
            guard case .committed(let arrivedMeanwhile, let scheduled) = commit(batch, inline: false) else {
                preconditionFailure("only an inline commit hands its work back")
            }
            // Nobody came while this batch committed: a short copy of the log now delays (almost) no webhook.
            // Nor when the commit scheduled an execution, nor after the engine's own transactions: its claim and step
            // records come next on this thread, and copying the log first put two fsyncs between a failover's
            // webhook and its first DNS write (`make bench`); the background thread copies once commits stop.
            let copyNow =
                !arrivedMeanwhile && !scheduled && !batch[0].isTransaction
                && store.checkpointer.copyDueWhileIdle(afterBatchOf: count)
            condition.lock()
            committing = 0
            checkpointing = copyNow
            if !batch[0].isTransaction { concurrentLoad = count > 1 || arrivedMeanwhile }
            condition.unlock()
            if copyNow {
                store.checkpointer.checkpointWhileIdle(afterBatchOf: count, on: store.pool)
                condition.lock()
                checkpointing = false
                condition.unlock()
            }
        }
    }

    /// What became of a batch.
    private enum CommitOutcome {
        /// Committed (or failed) and answered; whether other work arrived while the transaction ran, and whether
        /// the batch scheduled an execution.
        case committed(arrivedMeanwhile: Bool, scheduled: Bool)
        /// An inline commit found the database locked by another connection: rolled back, nobody answered.
        case lockedElsewhere
    }

    /// Commits `batch` and answers it. An `inline` batch (a caller's thread, see
    /// ``submit(_:committingHereWhenIdle:completion:)``) that meets another connection's lock is not answered: it
    /// comes back as ``CommitOutcome/lockedElsewhere`` for the writer thread to store.
    private func commit(_ batch: [Work], inline: Bool) -> CommitOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        var receipts: [Result<IngestReceipt, IngestError>?] = []
        var transitions: [EpisodeTransition] = []
        var scheduled = false
        let outcome: Result<Void, IngestError>
        let settings = policy.settings
        // The writer connection is held for the whole closure, so nothing else commits while synchronous is NORMAL.
        let durable = if batch.count == 1, case .transaction(_, _, let durable) = batch[0] { durable } else { true }
        condition.lock()
        let faultBefore = storageFault
        condition.unlock()
        var storageFailure: String?
        do {
            try store.pool.writeWithoutTransaction { db in
                if !durable { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
                defer { if !durable { try? db.execute(sql: "PRAGMA synchronous = FULL") } }
                try db.inTransaction {
                    receipts = []
                    transitions = []
                    scheduled = false
                    let statements = try self.statements ?? IngestStatements(db)
                    self.statements = statements
                    let audit = self.audit ?? AuditWriter()
                    self.audit = audit
                    for work in batch {
                        switch work {
                        case .delivery(let delivery, _):
                            // A savepoint per delivery: one that fails (a constraint, a statement error) is rolled
                            // back and answered alone; the rest of the batch commits.
                            var stored: IngestReceipt?
                            do {
                                try db.inSavepoint {
                                    var receipt = try statements.apply(delivery, reopenWindow: settings.reopenWindow)
                                    try Self.recordAudit(of: delivery, receipt, with: audit, in: db)
                                    try Self.planRunbooks(
                                        for: delivery, &receipt, settings: settings, audit: audit, in: db)
                                    stored = receipt
                                    return .commit
                                }
                            } catch let error where db.isInsideTransaction && !Self.failsEveryDelivery(error) {
                                logger.error(
                                    "one webhook of the batch could not be stored; the others are",
                                    metadata: ["receiver": "\(delivery.receiver)", "error": "\(error)"])
                                receipts.append(.failure(.deliveryFailed(Self.describe(error))))
                                continue
                            }
                            guard let receipt = stored else { continue }
                            scheduled = scheduled || !receipt.scheduledExecutions.isEmpty
                            transitions.append(contentsOf: receipt.alerts.map(\.transition))
                            receipts.append(.success(receipt))
                        case .probe(let now, _):
                            try statements.heartbeat(at: now)
                            if faultBefore != nil { try statements.fillHeadroom() }
                            receipts.append(nil)
                        case .transaction(let body, _, _):
                            // No wake-up: the engine's own transactions are followed by its claims in the same pass,
                            // and operator actions wake it themselves (a wake-up here would make every pass cause one).
                            try body(db, audit)
                            receipts.append(nil)
                        }
                    }
                    return .commit
                }
            }
            outcome = .success(())
        } catch let error as DatabaseError
            where inline
            && (error.resultCode.primaryResultCode == .SQLITE_BUSY
                || error.resultCode.primaryResultCode == .SQLITE_LOCKED)
        {
            return .lockedElsewhere
        } catch {
            logger.error(
                batch[0].isTransaction
                    ? "engine transaction failed; nothing of it was stored"
                    : "ingest commit failed; answering the batch with 503",
                metadata: ["deliveries": "\(batch.count)", "error": "\(error)"])
            outcome = .failure(.commitFailed(Self.describe(error)))
            // An engine transaction's own refusal (a lost claim) says nothing about the storage.
            if !batch[0].isTransaction || Self.failsEveryDelivery(error) { storageFailure = Self.describe(error) }
        }
        // Looked at before answering: answered callers may submit again at once.
        condition.lock()
        let arrivedMeanwhile = !pending.isEmpty
        if let storageFailure, batch.contains(where: \.writesLikeAWebhook) || faultBefore != nil {
            storageFault = storageFailure
        } else if case .success = outcome, batch.contains(where: \.writesLikeAWebhook) || faultBefore != nil {
            // A probe with a fault on record stored its filler: the storage takes a webhook's writes again.
            storageFault = nil
        }
        condition.unlock()
        if batch.count == 1, batch[0].isTransaction {
            // Engine transactions are not webhook batches: they stay out of the ingest metrics.
        } else {
            reportBatch(batch.count, outcome, clock.now - started, transitions)
        }
        for (index, work) in batch.enumerated() {
            switch (work, outcome) {
            case (.delivery(_, let completion), .success):
                completion(receipts[index]!)
            case (.delivery(_, let completion), .failure(let error)):
                completion(.failure(error))
            case (.probe(_, let completion), .success):
                completion(.success(()))
            case (.probe(_, let completion), .failure(let error)):
                completion(.failure(error))
            case (.transaction(_, let completion, _), .success):
                completion(.success(()))
            case (.transaction(_, let completion, _), .failure(let error)):
                completion(.failure(error))
            }
        }
        let committedSchedule = scheduled && (try? outcome.get()) != nil
        if committedSchedule { onScheduled?() }
        return .committed(arrivedMeanwhile: arrivedMeanwhile, scheduled: committedSchedule)
    }

    private func reportBatch(
        _ count: Int, _ outcome: Result<Void, IngestError>, _ duration: Duration, _ transitions: [EpisodeTransition]
    ) {
        let committed = (try? outcome.get()) != nil
        onBatch?(
            BatchReport(
                deliveries: count, committed: committed, duration: duration, transitions: committed ? transitions : []
            ))
    }

    /// Whether `error` is the storage's, not one delivery's: every other delivery of the batch would meet it too
    /// (and SQLite may have rolled the whole transaction back already), so the batch fails as one.
    private static func failsEveryDelivery(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        switch error.resultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_NOMEM,
            .SQLITE_CORRUPT, .SQLITE_CANTOPEN, .SQLITE_NOTADB, .SQLITE_INTERRUPT:
            return true
        default:
            return false
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return "database is locked"
            case .SQLITE_FULL: return "database or disk is full"
            case .SQLITE_IOERR: return "disk I/O error"
            case .SQLITE_READONLY: return "database is read-only"
            default: return error.message ?? "SQLite error \(error.resultCode.rawValue)"
            }
        }
        return String(describing: error)
    }
}

/// Carries a transaction's result from the writer thread to the waiting task.
private final class TransactionResult<T: Sendable>: @unchecked Sendable {
    // Written on the writer thread before the completion resumes the waiting task, read after it: the
    // continuation's resumption orders the two.
    private var value: T?

    func set(_ value: T) { self.value = value }

    func take() -> T { value! }
}
