import FailoverCore
import Foundation

extension Timestamp {
    /// The wall clock now, moved by `offset` and truncated to whole milliseconds (the precision Prometheus sends),
    /// so that a time posted to Alertmanager compares equal to the one it sends back.
    public static func wallClock(offsetBy offset: Duration = .zero) -> Timestamp {
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        return fromMilliseconds(now).adding(offset)
    }

    /// This instant moved by `duration` (negative moves it earlier), truncated to whole milliseconds.
    public func adding(_ duration: Duration) -> Timestamp {
        let offset = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return Self.fromMilliseconds(millisecondsSinceEpoch + offset)
    }

    /// The wall-clock time elapsed from this instant to `later` (negative when `later` is earlier).
    public func duration(until later: Timestamp) -> Duration {
        .seconds(later.secondsSinceEpoch - secondsSinceEpoch)
            + .nanoseconds(Int64(later.nanoseconds) - Int64(nanoseconds))
    }

    private static func fromMilliseconds(_ milliseconds: Int64) -> Timestamp {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        return Timestamp(
            secondsSinceEpoch: seconds, nanoseconds: Int32((milliseconds - seconds * 1000) * 1_000_000))
    }
}
