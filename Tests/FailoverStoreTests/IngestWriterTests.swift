import FailoverCore
import FailoverStore
import FailoverTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

@Suite("IngestWriter: durable group commit")
struct IngestWriterTests {
    @Test("the schema is migrated on open")
    func migrated() throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        #expect(try fixture.store.schemaVersion() == "v8_execution_gauge_indexes")
        let journal = try fixture.externalConnection().read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        #expect(journal == "wal")
    }

    @Test("a delivery is stored with its alerts, and the receipt says what each alert did")
    func storesDelivery() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let receipt = try await fixture.writer.submit(
            Deliveries.prepared([Deliveries.alert(.firing), Deliveries.alert(.firing, fingerprint: "b")])
        ).get()
        #expect(receipt.deliveryID == 1)
        #expect(receipt.alerts.map(\.transition) == [.opened, .opened])
        #expect(receipt.alerts.map(\.startsAt) == ["2026-11-21T16:37:18.416Z", "2026-11-21T16:37:18.416Z"])
        #expect(try fixture.count("deliveries") == 1)
        #expect(try fixture.count("episodes") == 2)
        #expect(try fixture.count("audit_events") == 3, "webhook.received and two episode.opened")
    }

    @Test("the writer and checkpointer connections run with synchronous = FULL (GRDB's WAL set-up would leave NORMAL)")
    func writerIsDurable() throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        #expect(try fixture.store.writerSynchronousLevel() == 2)
        #expect(try fixture.store.checkpointerSynchronousLevel() == 2)
    }

    @Test("the writer keeps SQLite's 2 MiB page cache, each reader 512 KiB: their sum bounds what SQLite caches")
    func pageCaches() throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let sizes = try fixture.store.pageCacheSizes()
        #expect(sizes.writer == -2048)
        #expect(sizes.reader == -512)
    }

    @Test("a transaction that need not be durable (a claim) commits with NORMAL alone; the writer is FULL after")
    func nonDurableTransaction() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let level = try await fixture.writer.perform(durable: false) { db, _ in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(level == 1)
        #expect(try fixture.store.writerSynchronousLevel() == 2)
        let durableLevel = try await fixture.writer.perform { db, _ in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(durableLevel == 2)
        // A failing one leaves FULL too, and stores nothing.
        await #expect(throws: IngestError.self) {
            try await fixture.writer.perform(durable: false) { db, _ in
                try db.execute(sql: "INSERT INTO fencing_tokens (id, last_token) VALUES (2, 0)")
                try db.execute(sql: "SELECT * FROM no_such_table")
            }
        }
        #expect(try fixture.store.writerSynchronousLevel() == 2)
        #expect(try fixture.count("fencing_tokens") == 1)
    }

    @Test("the episode lifecycle: open, duplicate, resolve, a firing of the same period waits, a resolved cancels it")
    func lifecycle() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        var transitions: [EpisodeTransition] = []
        for status in [AlertStatus.firing, .firing, .resolved, .firing, .resolved] {
            let receipt = try await fixture.writer.submit(Deliveries.prepared(Deliveries.alert(status))).get()
            transitions.append(receipt.alerts[0].transition)
        }
        #expect(transitions == [.opened, .duplicateFiring, .resolved, .reopenPending, .reopenCancelled])
        let episodes = try await fixture.store.episodes(EpisodeQuery())
        #expect(episodes.count == 1)
        let episode = try #require(episodes.first)
        #expect(episode.state == .resolved)
        #expect(episode.duplicates == 2)
        #expect(episode.staleFirings == 1)
        #expect(episode.firstDeliveryID == 1)
        #expect(episode.resolvedDeliveryID == 3)
        #expect(episode.lastDeliveryID == 5)
        #expect(episode.endsAt == "2026-11-21T16:47:18Z")
        #expect(episode.seenFiring)
    }

    @Test("a new startsAt of the same fingerprint is a new episode")
    func newStartsAtNewEpisode() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        _ = await fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.firing)))
        _ = await fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.resolved)))
        let nextWeek = Timestamp(rfc3339: "2026-11-28T10:00:00Z")!
        let receipt = try await fixture.writer.submit(
            Deliveries.prepared(Deliveries.alert(.firing, startsAt: nextWeek))
        ).get()
        #expect(receipt.alerts[0].transition == .opened)
        #expect(try await fixture.store.episodes(EpisodeQuery(state: .firing)).count == 1)
        #expect(try await fixture.store.episodes(EpisodeQuery(state: .resolved)).count == 1)
    }

    @Test("a resolved notification for an unknown episode is recorded, not an error")
    func resolvedUnknown() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let receipt = try await fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.resolved))).get()
        #expect(receipt.alerts[0].transition == .openedResolved)
        let episode = try #require(try await fixture.store.episodes(EpisodeQuery()).first)
        #expect(episode.state == .resolved)
        #expect(!episode.seenFiring)
        #expect(episode.resolvedDeliveryID == 1)
    }

    @Test("webhooks waiting together are committed in one transaction")
    func groupCommit() async throws {
        // The first batch waits on the lock for as long as the test needs to queue the others, even on a busy machine.
        let fixture = try StoreFixture(busyTimeout: .seconds(120))
        defer { fixture.close() }
        // Hold the write lock from another connection so the writer's first batch waits; meanwhile 20 more queue.
        let lock = try SQLiteWriteLock(path: fixture.store.path)
        let writer = fixture.writer
        async let first = writer.submit(Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "first")))
        try await waitUntil { writer.committingCount == 1 }
        let rest = Task {
            await withTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        (try? await writer.submit(
                            Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "f\(index)"))
                        ).get()) != nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
        }
        try await waitUntil { writer.pendingCount == 20 }
        lock.release()
        #expect(try await first.get().deliveryID == 1)
        #expect(await rest.value == 20)
        #expect(fixture.reports.all.map(\.deliveries) == [1, 20])
        #expect(fixture.reports.all.allSatisfy { $0.committed })
        #expect(try fixture.count("deliveries") == 21)
    }

    @Test("one delivery that fails in a batch fails alone (its savepoint); the rest of the batch commits")
    func oneBadDeliveryFailsAlone() async throws {
        let fixture = try StoreFixture(busyTimeout: .seconds(120))
        defer { fixture.close() }
        // A trigger makes one delivery's first audit append fail, after its delivery and episode rows were written,
        // as a constraint or a bug in its data would.
        try await fixture.externalConnection().write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER poison BEFORE INSERT ON audit_events WHEN NEW.detail LIKE '%poisoned-group%'
                    BEGIN SELECT RAISE(ABORT, 'poisoned delivery'); END
                    """)
        }
        let lock = try SQLiteWriteLock(path: fixture.store.path)
        let writer = fixture.writer
        async let first = writer.submit(Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "first")))
        try await waitUntil { writer.committingCount == 1 }
        let groups = ["g0", "g1", "poisoned-group", "g2", "g3"]
        var submissions: [Task<Result<IngestReceipt, IngestError>, Never>] = []
        for (index, group) in groups.enumerated() {
            let delivery = Deliveries.prepared([Deliveries.alert(.firing, fingerprint: "f\(group)")], groupKey: group)
            submissions.append(Task { await writer.submit(delivery) })
            try await waitUntil { writer.pendingCount == index + 1 }
        }
        lock.release()
        _ = try await first.get()
        var outcomes: [String] = []
        for task in submissions {
            switch await task.value {
            case .success: outcomes.append("stored")
            case .failure(let error): outcomes.append(error.reason)
            }
        }
        #expect(outcomes == ["stored", "stored", "delivery_failed", "stored", "stored"])
        #expect(fixture.reports.all.map(\.deliveries) == [1, 5])
        #expect(fixture.reports.all.allSatisfy { $0.committed })
        #expect(try fixture.count("deliveries") == 5)
        #expect(try fixture.count("episodes") == 5)
        #expect(try fixture.count("audit_events") == 10, "webhook.received and episode.opened of the five stored")
        let groupKeys = try await fixture.externalConnection().read { db in
            try String.fetchAll(db, sql: "SELECT group_key FROM deliveries ORDER BY id")
        }
        #expect(!groupKeys.contains("poisoned-group"))
        let verification = try await fixture.store.verifyAuditLog()
        #expect(verification.isIntact, "\(verification)")
        #expect(verification.eventCount == 10)
        // The storage is fine: readiness does not fail for one delivery's error.
        #expect(writer.currentStorageFault == nil)
    }

    @Test("while the disk refuses a webhook's writes, readiness fails too, though a heartbeat alone would commit")
    func readinessFollowsTheStorage() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let writer = fixture.writer
        _ = try await writer.submit(Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "before"))).get()
        // SQLite's page limit on the writer connection stands in for a full disk: nothing may grow the file.
        try await writer.perform { db, _ in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        #expect(try await writer.probe().get() == (), "a heartbeat rewrites its row in place and commits")
        let refused = await writer.submit(
            Deliveries.prepared((0..<40).map { Deliveries.alert(.firing, fingerprint: "full\($0)") }))
        guard case .failure(let error) = refused else {
            Issue.record("expected the webhook to be refused while the database cannot grow")
            return
        }
        #expect(error.isStorageWide)
        #expect(error.message == "the webhook could not be stored durably: database or disk is full")
        #expect(writer.currentStorageFault == "database or disk is full")
        guard case .failure(let probeError) = await writer.probe() else {
            Issue.record("readiness must fail while webhooks cannot be stored")
            return
        }
        #expect(probeError.message.contains("database or disk is full"))
        #expect(try fixture.count("deliveries") == 1)
        // Room again: the probe stores its filler, which clears the fault, and webhooks are stored.
        try await writer.perform { db, _ in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        #expect(try await writer.probe().get() == ())
        #expect(writer.currentStorageFault == nil)
        _ = try await writer.submit(
            Deliveries.prepared((0..<40).map { Deliveries.alert(.firing, fingerprint: "full\($0)") })
        ).get()
        #expect(try fixture.count("deliveries") == 2)
        #expect(try fixture.count("readiness_headroom") == 0)
    }

    @Test("a failed commit answers with an error and stores nothing")
    func commitFailure() async throws {
        let fixture = try StoreFixture(busyTimeout: .milliseconds(100))
        defer { fixture.close() }
        let lock = try SQLiteWriteLock(path: fixture.store.path)
        let result = await fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.firing)))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure while the database is locked")
            return
        }
        #expect(error.reason == "storage_unavailable")
        #expect(error.message == "the webhook could not be stored durably: database is locked")
        guard case .failure = await fixture.writer.probe() else {
            Issue.record("the readiness probe must fail while writes fail")
            return
        }
        lock.release()
        #expect(try fixture.count("deliveries") == 0)
        #expect(try fixture.count("episodes") == 0)
        #expect(fixture.reports.all.first?.committed == false)
        // The same webhook, retried, is stored.
        #expect(try await fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.firing))).get().deliveryID == 1)
        #expect(try await fixture.writer.probe().get() == ())
    }

    @Test("the queue is bounded: past max_pending, webhooks are refused at once")
    func overloaded() async throws {
        // The first batch must wait on the lock until the test has filled the queue, however long a busy machine
        // takes: with a short busy timeout it fails, the two queued are taken into the next batch and the queue is
        // never seen full.
        let fixture = try StoreFixture(busyTimeout: .seconds(120), maxPending: 2)
        defer { fixture.close() }
        let lock = try SQLiteWriteLock(path: fixture.store.path)
        let writer = fixture.writer
        let blocked = Task { await writer.submit(Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "a"))) }
        try await waitUntil { writer.committingCount == 1 }
        let queued = (0..<2).map { index in
            Task { await writer.submit(Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "q\(index)"))) }
        }
        try await waitUntil { writer.pendingCount == 2 }
        let refused = await writer.submit(Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "x")))
        guard case .failure(let error) = refused else {
            Issue.record("expected overloaded")
            return
        }
        #expect(error.reason == "overloaded")
        lock.release()
        _ = try await blocked.value.get()
        for task in queued { _ = try await task.value.get() }
        #expect(try fixture.count("deliveries") == 3)
    }

    @Test("shutdown commits what waits and then refuses")
    func shutdownDrains() async throws {
        // Everything is queued behind a held write lock before shutdown starts, so all of it must be committed by
        // the draining shutdown, not before it.
        let fixture = try StoreFixture(busyTimeout: .seconds(120))
        let writer = fixture.writer
        let lock = try SQLiteWriteLock(path: fixture.store.path)
        let submissions = (0..<30).map { index in
            Task { await writer.submit(Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "s\(index)"))) }
        }
        try await waitUntil { writer.committingCount + writer.pendingCount == 30 }
        let stopped = Thread.detachedShutdown(of: writer)
        // Shutdown refuses new work at once while it waits for the 30 to commit (a probe that came before the
        // shutdown thread got going was queued, and is stored with the others).
        var queuedBeforeShutdown = 0
        try await waitUntil {
            let probe = Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "late\(queuedBeforeShutdown)"))
            guard case .failure(let error) = writer.submitNow(probe) else {
                queuedBeforeShutdown += 1
                return false
            }
            return error.reason == "shutting_down"
        }
        lock.release()
        try await waitUntil { stopped.isSet }
        var stored = 0
        for task in submissions {
            if case .success = await task.value { stored += 1 }
        }
        #expect(stored == 30)
        #expect(try fixture.count("deliveries") == 30 + queuedBeforeShutdown)
        fixture.store.close()
        fixture.directory.remove()
    }
}

extension IngestWriter {
    /// Submits and reports a refusal made at once (queue full, shutting down); `nil` when the delivery was queued.
    fileprivate func submitNow(_ delivery: PreparedDelivery) -> Result<Void, IngestError>? {
        let refusal = Mutex<IngestError?>(nil)
        let answered = Mutex(false)
        submit(delivery) { result in
            answered.withLock { $0 = true }
            if case .failure(let error) = result { refusal.withLock { $0 = error } }
        }
        // A refusal calls the completion before `submit` returns.
        guard answered.withLock({ $0 }), let error = refusal.withLock({ $0 }) else { return nil }
        return .failure(error)
    }
}

/// A flag set once, readable from any thread.
final class OnceFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

extension Thread {
    /// Calls the writer's blocking `shutdown()` on a thread of its own; the flag is set when it has returned.
    fileprivate static func detachedShutdown(of writer: IngestWriter) -> OnceFlag {
        let flag = OnceFlag()
        let thread = Thread {
            writer.shutdown()
            flag.set()
        }
        thread.start()
        return flag
    }
}

/// Polls a condition every few milliseconds, failing after `timeout`.
func waitUntil(timeout: Duration = .seconds(60), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while !condition() {
        guard ContinuousClock.now < deadline else { throw WaitTimeout() }
        try await Task.sleep(for: .milliseconds(5))
    }
}

struct WaitTimeout: Error {}
