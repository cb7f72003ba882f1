/// Whether a request may be sent again when its outcome is unknown.
///
/// A GET, PUT or DELETE repeated has the same effect as once. A POST that reached the server but whose answer was
/// lost (timeout, reset, 5xx from a proxy) may have created something: sending it again blindly could create a
/// duplicate. Such a request is retried only when the server provably did not act on it (the connection was never
/// made, or the answer was 429); otherwise the failure goes back to the caller, who can look before trying again.
public enum HTTPRetrySafety: Sendable, Hashable {
    /// Repeating the request is harmless: every retryable failure is retried.
    case idempotent
    /// Repeating the request after it may have reached the server is not safe.
    case notIdempotent

    /// The usual safety of a method: POST and PATCH are not idempotent, the others are.
    public static func standard(for method: HTTPClientRequest.Method) -> HTTPRetrySafety {
        method == .post || method == .patch ? .notIdempotent : .idempotent
    }
}
