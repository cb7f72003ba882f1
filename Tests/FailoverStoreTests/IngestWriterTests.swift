import FailoverCore
import FailoverStore
import FailoverTestSupport
import Foundation
import GRDB
import Testing

@Suite("IngestWriter: durable group commit")
struct IngestWriterTests {
    @Test("the schema is migrated on open")
    func migrated() throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        #expect(try fixture.store.schemaVersion() == "v6_audit_signed_heads")
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

    @Test("the writer connection commits with synchronous = FULL (GRDB's WAL set-up would leave NORMAL)")
    func writerIsDurable() throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        #expect(try fixture.store.writerSynchronousLevel() == 2)
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
        let fixture = try StoreFixture(maxPending: 2)
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
        let fixture = try StoreFixture()
        let writer = fixture.writer
        let submissions = (0..<30).map { index in
            Task { await writer.submit(Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "s\(index)"))) }
        }
        try await Task.sleep(for: .milliseconds(20))
        writer.shutdown()
        var stored = 0
        for task in submissions {
            if case .success = await task.value { stored += 1 }
        }
        let late = await writer.submit(Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "late")))
        guard case .failure(let error) = late else {
            Issue.record("expected shutting down")
            return
        }
        #expect(error.reason == "shutting_down")
        #expect(try fixture.count("deliveries") == stored)
        fixture.store.close()
        fixture.directory.remove()
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
