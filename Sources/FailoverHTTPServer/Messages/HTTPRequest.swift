/// A complete HTTP request as handlers see it: the body has been read in full (within the size cap).
public struct HTTPRequest: Sendable {
    /// The request method.
    public var method: HTTPMethod
    /// The path, without the query string.
    public var path: String
    /// Query parameters in order, percent-decoded.
    public var query: [(name: String, value: String)]
    /// Request header fields.
    public var headers: HTTPHeaders
    /// The request body.
    public var body: [UInt8]
    /// The peer's IP address as text.
    public var remoteAddress: String
    /// Values of `{name}` segments of the matched route.
    public var parameters: [String: String]

    /// Creates a request (the server builds these; tests may too).
    public init(
        method: HTTPMethod, path: String, query: [(name: String, value: String)] = [], headers: HTTPHeaders = [:],
        body: [UInt8] = [], remoteAddress: String = "127.0.0.1", parameters: [String: String] = [:]
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.parameters = parameters
    }

    /// The last value of a query parameter, or `nil`.
    public func queryValue(_ name: String) -> String? { query.last { $0.name == name }?.value }

    /// The media type of the body (the `Content-Type` without parameters, lower-cased), or `nil`.
    public var mediaType: String? {
        guard let contentType = headers["Content-Type"] else { return nil }
        let type = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return type.trimmingSpaces().lowercased()
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
