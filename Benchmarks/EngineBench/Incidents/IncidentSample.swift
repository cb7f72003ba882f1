/// One incident as the benchmark saw it: the webhook's 200, the failover's provider requests up to its first
/// write, and that write.
struct IncidentSample: Sendable {
    /// The incident's region (the runbook key).
    var region: String
    /// The webhook's answer, stamped when read.
    var answer: LoopbackAnswer
    /// The provider requests before the first write (zone lookup, record read), in order.
    var reads: [RecordedRequest]
    /// The failover's first write at the fake Linode.
    var write: RecordedRequest

    /// Milliseconds from the 200 to the write's arrival, on the monotonic clock.
    var milliseconds: Double { Self.milliseconds(from: answer.answeredAt, to: write.arrivedAt) }

    /// Milliseconds from the 200 to the first provider request (the write itself when there was no read).
    var millisecondsToFirstRequest: Double {
        Self.milliseconds(from: answer.answeredAt, to: (reads.first ?? write).arrivedAt)
    }

    /// Milliseconds between two instants of the monotonic clock.
    static func milliseconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let elapsed = end - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
