import Foundation
import Synchronization

/// A thread of its own that disconnects clients too slow to send their request (``ServerCore/cutOverdueConnections()``)
/// every `tick`. Not a task: a busy concurrency pool must not hold off the defence against slow clients.
final class RequestTimeoutSweeper: Sendable {
    private let stopped = Atomic<Bool>(false)

    init(core: ServerCore, tick: Duration) {
        let microseconds = UInt32(
            clamping: tick.components.seconds * 1_000_000
                + tick.components.attoseconds / 1_000_000_000_000)
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                usleep(microseconds)
                if stopped.load(ordering: .acquiring) { break }
                core.cutOverdueConnections()
            }
        }
        thread.name = "failoverd-http-sweeper"
        thread.start()
    }

    /// Ends the thread at its next tick.
    func stop() { stopped.store(true, ordering: .releasing) }
}
