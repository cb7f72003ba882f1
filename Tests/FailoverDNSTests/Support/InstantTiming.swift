import FailoverHTTPClient
import Foundation
import Synchronization

/// Retry timing for tests: sleeping returns at once and advances a virtual clock, jitter is the full ceiling.
final class InstantTiming: Sendable {
    private let state = Mutex<(elapsed: Duration, waits: [Duration])>((.zero, []))
    /// The wall-clock epoch seconds the timing reports at virtual time zero.
    let epoch: Double

    /// Creates timing whose wall clock starts at `epoch` (default: now).
    init(epoch: Double = Date().timeIntervalSince1970) { self.epoch = epoch }

    /// Every wait the retry loop asked for, in order.
    var waits: [Duration] { state.withLock { $0.waits } }

    var timing: HTTPRetryTiming {
        HTTPRetryTiming(
            now: { self.state.withLock { $0.elapsed } },
            epochSeconds: { self.epoch + Double(self.state.withLock { $0.elapsed }.components.seconds) },
            sleep: { duration in
                self.state.withLock { state in
                    state.elapsed += duration
                    state.waits.append(duration)
                }
            },
            jitter: { ceiling in ceiling })
    }
}
