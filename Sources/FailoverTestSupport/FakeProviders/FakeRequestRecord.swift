import FailoverHTTPServer

/// One request a fake provider received, as tests inspect it.
public struct FakeRequestRecord: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The path without query.
    public var path: String
    /// The query parameters, decoded.
    public var query: [(name: String, value: String)]
    /// The request headers (the `Authorization` value is kept so tests can check what was sent).
    public var headers: HTTPHeaders
    /// The body as text.
    public var body: String
    /// The status answered (0 when no answer was sent).
    public var status: Int

    /// Whether the method changes state (POST, PUT, PATCH, DELETE).
    public var isWrite: Bool { method == .post || method == .put || method == .patch || method == .delete }
}
