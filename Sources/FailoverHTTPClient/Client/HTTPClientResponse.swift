/// The answer to an ``HTTPClientRequest`` (any status: the caller decides what a status means).
public struct HTTPClientResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The response header fields (of the final response when there were interim ones).
    public var headers: HTTPClientHeaders
    /// The body, within the configured cap.
    public var body: [UInt8]
    /// How many attempts it took, the first included.
    public var attempts: Int

    /// Creates a response.
    public init(status: Int, headers: HTTPClientHeaders = [:], body: [UInt8] = [], attempts: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.attempts = attempts
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The media type without parameters, lower-cased (`application/json`), or `nil`.
    public var mediaType: String? {
        guard let contentType = headers["Content-Type"] else { return nil }
        let type = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return type.trimmingCharacters(in: " \t").lowercased()
    }

    /// Whether the body looks like JSON: a JSON media type, or an object/array as first non-blank byte.
    public var looksLikeJSON: Bool {
        if let mediaType, mediaType == "application/json" || mediaType.hasSuffix("+json") { return true }
        let first = body.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    /// The first `limit` bytes of the body as text (invalid UTF-8 repaired, control characters as spaces),
    /// for error messages about unexpected answers such as a load balancer's HTML page.
    public func bodyPrefix(_ limit: Int = 200) -> String {
        let text = String(decoding: body.prefix(limit), as: UTF8.self)
        let cleaned = String(text.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
        return body.count > limit ? cleaned + "…" : cleaned
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
