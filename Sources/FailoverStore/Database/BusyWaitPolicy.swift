import FailoverCore
import Foundation
import Synchronization

/// How a connection waits for a lock another connection holds: like SQLite's own `busy_timeout` (sleeps of 1, 2,
/// 5, 10, 15, 20, 25, 25, 25, 50, 50 and then 100 ms until the timeout is spent), except on the one thread that
/// is committing a webhook inline on an HTTP polling thread (``IngestWriter/submit(_:committingHereWhenIdle:completion:)``),
/// which gives up at once: that thread serves every other connection too, and its webhook is handed to the
/// writer thread, which waits the whole timeout.
final class BusyWaitPolicy: Sendable {
    private static let delaysMilliseconds = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100]
    private let timeoutMilliseconds: Int
    /// The `pthread_self()` of the thread committing inline, 0 when none is.
    private let inlineThread = Atomic<UInt>(0)

    init(timeout: Duration) {
        timeoutMilliseconds = Int(clamping: max(0, timeout.milliseconds))
    }

    /// Marks the calling thread as the inline committer until ``endInline()``.
    func beginInline() { inlineThread.store(Self.currentThread, ordering: .releasing) }

    /// Ends what ``beginInline()`` started.
    func endInline() { inlineThread.store(0, ordering: .releasing) }

    /// SQLite's busy handler: whether to try again after `tries` failed attempts (having slept before returning).
    func shouldRetry(afterTries tries: Int) -> Bool {
        if inlineThread.load(ordering: .acquiring) == Self.currentThread { return false }
        let delays = Self.delaysMilliseconds
        let slept =
            tries < delays.count
            ? delays.prefix(tries).reduce(0, +)
            : delays.reduce(0, +) + (tries - delays.count) * delays[delays.count - 1]
        let next = tries < delays.count ? delays[tries] : delays[delays.count - 1]
        let remaining = timeoutMilliseconds - slept
        guard remaining > 0 else { return false }
        usleep(UInt32(min(next, remaining) * 1000))
        return true
    }

    private static var currentThread: UInt { UInt(pthread_self()) }
}
