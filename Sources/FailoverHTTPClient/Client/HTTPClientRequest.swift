/// One outbound HTTP request.
public struct HTTPClientRequest: Sendable, CustomStringConvertible {
    /// An HTTP method.
    public struct Method: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The wire token, e.g. `GET`.
        public let rawValue: String
        /// Creates a method from its wire token (upper-cased).
        public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

        /// GET.
        public static let get = Method(rawValue: "GET")
        /// POST.
        public static let post = Method(rawValue: "POST")
        /// PUT.
        public static let put = Method(rawValue: "PUT")
        /// PATCH.
        public static let patch = Method(rawValue: "PATCH")
        /// DELETE.
        public static let delete = Method(rawValue: "DELETE")

        /// The wire token.
        public var description: String { rawValue }
    }

    /// The method.
    public var method: Method
    /// The absolute URL (`https://api.linode.com/v4/domains?page=1`).
    public var url: String
    /// Header fields besides `Authorization` (set from ``bearerToken``) and `User-Agent`.
    public var headers: HTTPClientHeaders
    /// The body, if any.
    public var body: [UInt8]?
    /// Sent as `Authorization: Bearer …`; never printed.
    public var bearerToken: BearerToken?
    /// Whether the request may be repeated when its outcome is unknown. Default: by method.
    public var retrySafety: HTTPRetrySafety

    /// Creates a request.
    public init(
        method: Method, url: String, headers: HTTPClientHeaders = [:], body: [UInt8]? = nil,
        bearerToken: BearerToken? = nil, retrySafety: HTTPRetrySafety? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.bearerToken = bearerToken
        self.retrySafety = retrySafety ?? .standard(for: method)
    }

    /// `GET https://…`: method and URL only, never headers or the token.
    public var description: String { "\(method) \(url)" }
}
