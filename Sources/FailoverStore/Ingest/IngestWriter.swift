import FailoverCore
import Foundation
import GRDB
import Logging

/// The single writer of webhook deliveries, with group commit.
///
/// Requests hand their prepared delivery to ``submit(_:)`` and wait. One dedicated thread takes everything that
/// is waiting (up to ``IngestSettings``' batch size), applies it in one transaction, commits once (one fsync
/// for the whole batch) and then answers every waiter. Nobody is answered before the commit has returned, and
/// a failed commit answers every member of the batch with an error while storing none of them.
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
    }

    private let store: StateStore
    private let maxBatchSize: Int
    private let maxPending: Int
    private let logger: Logger
    private let onBatch: (@Sendable (BatchReport) -> Void)?

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [Work] = []
    private var committing = 0
    // Prepared on the writer connection at the first commit; used only inside its transactions.
    private var statements: IngestStatements?
    // Appends audit events in the same transactions (the writer connection is the log's only routine writer).
    private var audit: AuditWriter?
    private var accepting = true
    private var running = false
    private var stopped = false

    /// Creates a writer over the store and starts its thread.
    public init(
        store: StateStore, maxBatchSize: Int = 256, maxPending: Int = 4096, logger: Logger,
        onBatch: (@Sendable (BatchReport) -> Void)? = nil
    ) {
        self.store = store
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

    /// Stores one delivery durably; returns after its transaction has committed.
    public func submit(_ delivery: PreparedDelivery) async -> Result<IngestReceipt, IngestError> {
        await withCheckedContinuation { continuation in
            submit(delivery) { continuation.resume(returning: $0) }
        }
    }

    /// Commits a heartbeat through the writer: succeeds only when the database takes writes.
    public func probe() async -> Result<Void, IngestError> {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return await withCheckedContinuation { continuation in
            if let refusal = enqueue(.probe(now, { continuation.resume(returning: $0) })) {
                continuation.resume(returning: .failure(refusal))
            }
        }
    }

    /// Refuses new work, commits everything already waiting, and stops the thread. Returns when it has stopped.
    public func shutdown() {
        condition.lock()
        accepting = false
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func enqueue(_ work: Work) -> IngestError? {
        condition.lock()
        defer { condition.unlock() }
        guard accepting else { return .shuttingDown }
        guard pending.count < maxPending else { return .overloaded(pending: pending.count) }
        pending.append(work)
        condition.signal()
        return nil
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && accepting { condition.wait() }
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
            let count = min(pending.count, maxBatchSize)
            let batch = Array(pending.prefix(count))
            pending.removeFirst(count)
            committing = count
            condition.unlock()
            store.checkpointer.finishCheckpointIfDue(on: store.pool)
            let arrivedMeanwhile = commit(batch)
            condition.lock()
            committing = 0
            condition.unlock()
            // Nobody came while this batch committed: a short copy of the log now delays (almost) no webhook.
            if !arrivedMeanwhile { store.checkpointer.checkpointWhileIdle(afterBatchOf: count, on: store.pool) }
        }
    }

    /// Commits `batch` and answers it; returns whether other work arrived while the transaction ran.
    private func commit(_ batch: [Work]) -> Bool {
        let clock = ContinuousClock()
        let started = clock.now
        var receipts: [IngestReceipt?] = []
        var transitions: [EpisodeTransition] = []
        let outcome: Result<Void, IngestError>
        do {
            try store.pool.write { db in
                receipts = []
                transitions = []
                let statements = try self.statements ?? IngestStatements(db)
                self.statements = statements
                let audit = self.audit ?? AuditWriter()
                self.audit = audit
                for work in batch {
                    switch work {
                    case .delivery(let delivery, _):
                        let receipt = try statements.apply(delivery)
                        try Self.recordAudit(of: delivery, receipt, with: audit, in: db)
                        transitions.append(contentsOf: receipt.alerts.map(\.transition))
                        receipts.append(receipt)
                    case .probe(let now, _):
                        try statements.heartbeat(at: now)
                        receipts.append(nil)
                    }
                }
            }
            outcome = .success(())
        } catch {
            logger.error(
                "ingest commit failed; answering the batch with 503",
                metadata: ["deliveries": "\(batch.count)", "error": "\(error)"])
            outcome = .failure(.commitFailed(Self.describe(error)))
        }
        // Looked at before answering: answered callers may submit again at once.
        condition.lock()
        let arrivedMeanwhile = !pending.isEmpty
        condition.unlock()
        onBatch?(
            BatchReport(
                deliveries: batch.count, committed: (try? outcome.get()) != nil, duration: clock.now - started,
                transitions: (try? outcome.get()) != nil ? transitions : []))
        for (index, work) in batch.enumerated() {
            switch (work, outcome) {
            case (.delivery(_, let completion), .success):
                completion(.success(receipts[index]!))
            case (.delivery(_, let completion), .failure(let error)):
                completion(.failure(error))
            case (.probe(_, let completion), .success):
                completion(.success(()))
            case (.probe(_, let completion), .failure(let error)):
                completion(.failure(error))
            }
        }
        return arrivedMeanwhile
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
