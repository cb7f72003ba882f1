/// A misbehaviour a fake provider can be told to show, to test how clients cope.
public enum FakeProviderFault: Sendable, Hashable {
    /// 429 with the provider's error body, `Retry-After: retryAfterSeconds` when given, and the provider's
    /// rate-limit headers with zero remaining and a reset `resetInSeconds` from now.
    case rateLimited(retryAfterSeconds: Int?, resetInSeconds: Int = 60)
    /// A 5xx answer with the provider's JSON error body; nothing is changed.
    case serverError(status: Int)
    /// A 5xx (or other) answer with an HTML page, as a load balancer or CDN edge sends it; nothing is changed.
    case htmlError(status: Int)
    /// The answer is delayed by the duration, then the request is handled normally.
    case slowAnswer(Duration)
    /// No answer at all: the connection stays silent until the client gives up (times out and closes), or the
    /// server stops. Models a dropped connection or a black-holed request.
    case noAnswer
    /// The request is applied, then answered with a 5xx: the client loses the answer to a change that happened.
    case applyThenFail(status: Int)
}

/// When an injected fault applies.
struct FakeFaultRule: Sendable {
    var fault: FakeProviderFault
    var remaining: Int
    var method: String?
    var pathContains: String?

    func matches(method candidate: String, path: String) -> Bool {
        if let method, method != candidate { return false }
        if let pathContains, !path.contains(pathContains) { return false }
        return true
    }
}
