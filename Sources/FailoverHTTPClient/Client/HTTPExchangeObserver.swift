/// Told about every attempt the client makes, for metrics: called on the requesting task, keep it short.
public protocol HTTPExchangeObserver: Sendable {
    /// One attempt ended: with an answer (`status`) or without one (`status` nil: timeout, refused, reset), after
    /// `duration`; `retrying` when the client will try again.
    func attemptEnded(method: HTTPClientRequest.Method, status: Int?, duration: Duration, retrying: Bool)
}
