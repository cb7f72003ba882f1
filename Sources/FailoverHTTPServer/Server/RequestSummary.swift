/// What the server reports about each answered request, for metrics and access logs.
public struct RequestSummary: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The route pattern that answered (`/api/v1/episodes`), or `unmatched` when none did.
    public var route: String
    /// The status code sent.
    public var status: Int
    /// Time from the end of the request body to the answer being queued.
    public var duration: Duration
}
