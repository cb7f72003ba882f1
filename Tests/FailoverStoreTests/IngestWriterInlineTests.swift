import FailoverCore
import FailoverTestSupport
import Foundation
import Synchronization
import Testing

@testable import FailoverStore

@Suite("IngestWriter: a lone webhook committed on the caller's thread")
struct IngestWriterInlineTests {
    @Test("an idle writer commits on the calling thread: answered, and the rows stored, when submit returns")
    func committedHere() throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        let answer = InlineAnswer()
        let caller = pthread_self()
        fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.firing)), committingHereWhenIdle: true) { result in
            answer.record(result, onCallerThread: pthread_equal(pthread_self(), caller) != 0)
        }
        let (result, onCallerThread) = try #require(answer.value, "answered before submit returned")
        #expect(onCallerThread)
        #expect(try result.get().alerts.map(\.transition) == [.opened])
        #expect(try fixture.count("deliveries") == 1)
        #expect(try fixture.count("episodes") == 1)
        #expect(fixture.reports.all.map(\.deliveries) == [1])
        #expect(fixture.reports.all.allSatisfy { $0.committed })
    }

    @Test("an inline commit never waits for another connection's lock: the writer thread stores it after the lock")
    func lockedElsewhereGoesToTheWriter() async throws {
        // The writer thread waits up to 120 s for the lock; the inline attempt must give up at once instead.
        let fixture = try StoreFixture(busyTimeout: .seconds(120))
        defer { fixture.close() }
        let lock = try SQLiteWriteLock(path: fixture.store.path)
        let answer = InlineAnswer()
        fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.firing)), committingHereWhenIdle: true) { result in
            answer.record(result, onCallerThread: false)
        }
        // Returned while the lock is still held, unanswered: it did not wait for the lock, and nothing was lost.
        #expect(answer.value == nil)
        #expect(try fixture.count("deliveries") == 0)
        try await waitUntil { fixture.writer.committingCount == 1 }
        lock.release()
        try await waitUntil { answer.value != nil }
        #expect(try answer.value?.result.get().deliveryID == 1)
        #expect(try fixture.count("deliveries") == 1)
        #expect(fixture.reports.all.map(\.committed) == [true], "the rolled-back inline attempt is not a batch")
        #expect(fixture.writer.currentStorageFault == nil, "a lock met inline is not a storage fault")
        let verification = try await fixture.store.verifyAuditLog()
        #expect(verification.isIntact)
        #expect(verification.eventCount == 2, "webhook.received and episode.opened, once")
    }

    @Test("while the writer thread commits, inline submits join its group commit; a lone one brings inline back")
    func busyWriterQueues() async throws {
        let fixture = try StoreFixture(busyTimeout: .seconds(120))
        defer { fixture.close() }
        let lock = try SQLiteWriteLock(path: fixture.store.path)
        let writer = fixture.writer
        let first = Task { await writer.submit(Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "first"))) }
        try await waitUntil { writer.committingCount == 1 }
        let answers = (0..<3).map { _ in InlineAnswer() }
        for (index, answer) in answers.enumerated() {
            let delivery = Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "queued\(index)"))
            writer.submit(delivery, committingHereWhenIdle: true) { answer.record($0, onCallerThread: false) }
        }
        #expect(writer.pendingCount == 3)
        #expect(answers.allSatisfy { $0.value == nil })
        lock.release()
        _ = try await first.value.get()
        try await waitUntil { answers.allSatisfy { $0.value != nil } }
        for answer in answers { #expect(answer.value.map { (try? $0.result.get()) != nil } == true) }
        #expect(fixture.reports.all.map(\.deliveries) == [1, 3])
        #expect(try fixture.count("deliveries") == 4)
        // Webhooks arrived together: the next one goes to the writer thread too, even though it is idle now.
        #expect(!writer.isIdleForInlineCommit)
        let alone = InlineAnswer()
        let lone = Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "alone"))
        writer.submit(lone, committingHereWhenIdle: true) { alone.record($0, onCallerThread: false) }
        try await waitUntil { alone.value != nil }
        #expect(fixture.reports.all.map(\.deliveries) == [1, 3, 1])
        // It committed alone with nothing arriving meanwhile: the load is light again, and inline commits resume.
        try await waitUntil { writer.isIdleForInlineCommit }
        let inline = InlineAnswer()
        let next = Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "inline"))
        writer.submit(next, committingHereWhenIdle: true) { inline.record($0, onCallerThread: true) }
        #expect(inline.value != nil, "committed before submit returned")
        #expect(try fixture.count("deliveries") == 6)
    }

    @Test("after a storage fault, webhooks go to the writer thread until a commit succeeds again")
    func faultGoesToTheWriter() async throws {
        let fixture = try StoreFixture(busyTimeout: .milliseconds(50))
        defer { fixture.close() }
        let lock = try SQLiteWriteLock(path: fixture.store.path)
        // Through the writer thread (which waits its 50 ms and fails): a storage fault is on record.
        let refused = await fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.firing)))
        guard case .failure(let error) = refused else {
            Issue.record("expected a failure while the database is locked")
            return
        }
        #expect(error.isStorageWide)
        #expect(fixture.writer.currentStorageFault == "database is locked")
        // With the fault on record the inline path is not taken: the writer thread answers, with its own wait.
        let answer = InlineAnswer()
        fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.firing)), committingHereWhenIdle: true) {
            answer.record($0, onCallerThread: false)
        }
        try await waitUntil { answer.value != nil }
        guard case .failure(let second) = answer.value?.result else {
            Issue.record("expected the queued webhook to fail while the lock is held")
            return
        }
        #expect(second.reason == "storage_unavailable")
        lock.release()
        // The writer thread's next commit clears the fault; inline commits resume.
        _ = try await fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.firing))).get()
        #expect(fixture.writer.currentStorageFault == nil)
        try await waitUntil { fixture.writer.isIdleForInlineCommit }
        let inline = InlineAnswer()
        fixture.writer.submit(Deliveries.prepared(Deliveries.alert(.resolved)), committingHereWhenIdle: true) {
            inline.record($0, onCallerThread: true)
        }
        #expect(inline.value != nil, "committed before submit returned")
        #expect(try fixture.count("deliveries") == 2)
    }

    @Test("the busy wait follows SQLite's schedule up to the timeout, and gives up at once on the inline thread")
    func busyWaitPolicy() {
        let policy = BusyWaitPolicy(timeout: .milliseconds(3))
        // 1 ms, then 2 ms: 3 ms slept, the timeout is spent.
        #expect(policy.shouldRetry(afterTries: 0))
        #expect(policy.shouldRetry(afterTries: 1))
        #expect(!policy.shouldRetry(afterTries: 2))
        #expect(!BusyWaitPolicy(timeout: .zero).shouldRetry(afterTries: 0))
        let patient = BusyWaitPolicy(timeout: .seconds(60))
        patient.beginInline()
        #expect(!patient.shouldRetry(afterTries: 0), "the inline thread never waits")
        let otherThread = Mutex<Bool?>(nil)
        let thread = Thread { otherThread.withLock { $0 = patient.shouldRetry(afterTries: 0) } }
        thread.start()
        while otherThread.withLock({ $0 }) == nil { usleep(1000) }
        #expect(otherThread.withLock { $0 } == true, "other connections' threads still wait")
        patient.endInline()
        #expect(patient.shouldRetry(afterTries: 0))
    }
}

/// The one answer of an inline submit, and whether it came on the submitting thread.
final class InlineAnswer: Sendable {
    private let stored = Mutex<(result: Result<IngestReceipt, IngestError>, onCallerThread: Bool)?>(nil)

    func record(_ result: Result<IngestReceipt, IngestError>, onCallerThread: Bool) {
        stored.withLock { $0 = (result, onCallerThread) }
    }

    var value: (result: Result<IngestReceipt, IngestError>, onCallerThread: Bool)? { stored.withLock { $0 } }
}
