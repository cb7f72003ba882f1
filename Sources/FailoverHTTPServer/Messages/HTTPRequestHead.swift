/// What the server knows of a request once its head has arrived, before any byte of the body is read: what an
/// admission check (credentials, networks, rate limits) decides on.
public struct HTTPRequestHead: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The path, without the query string.
    public var path: String
    /// The pattern of the route that will answer (`/api/v1/audit/{id}`), or `nil` when none will.
    public var route: String?
    /// Request header fields.
    public var headers: HTTPHeaders
    /// The socket peer's IP address as text.
    public var remoteAddress: String

    /// Creates a request head (the server builds these; tests may too).
    public init(method: HTTPMethod, path: String, route: String?, headers: HTTPHeaders, remoteAddress: String) {
        self.method = method
        self.path = path
        self.route = route
        self.headers = headers
        self.remoteAddress = remoteAddress
    }
}

/// Decides from a request's head whether it may go on: `nil` admits it, a response refuses it. A refused request
/// with a body is answered at once, without reading the body (the connection is closed after the answer).
public typealias HTTPAdmission = @Sendable (HTTPRequestHead) -> HTTPResponse?
