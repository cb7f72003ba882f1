/// An answer read by ``LoopbackConnection``, stamped when its last byte was read.
struct LoopbackAnswer: Sendable {
    /// The status code.
    var status: Int
    /// The body.
    var body: [UInt8]
    /// When the answer had been read completely, on the monotonic clock.
    var answeredAt: ContinuousClock.Instant
    /// The same moment in milliseconds since the epoch, with a fractional part.
    var answeredAtWallMilliseconds: Double

    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }
}
