/// A request as the fake Linode received it, and when: on the benchmark's monotonic clock, and on the wall clock
/// (to set it beside the audit events' times, which are wall-clock milliseconds).
struct RecordedRequest: Sendable {
    /// The method (`GET`, `PUT`, `POST`).
    var method: String
    /// The request path.
    var path: String
    /// When the handler saw the complete request, on the monotonic clock.
    var arrivedAt: ContinuousClock.Instant
    /// The same moment in milliseconds since the epoch, with a fractional part.
    var arrivedAtWallMilliseconds: Double

    /// Whether the request changes the record (PUT or POST).
    var isWrite: Bool { method == "PUT" || method == "POST" }
}
