import Foundation

/// An HTTP response produced by a handler.
public struct HTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Response header fields; `Content-Type` among them when there is a body.
    public var headers: HTTPHeaders
    /// The response body.
    public var body: [UInt8]
    /// Produces the body instead of ``body`` when set: sent with chunked encoding as it is written.
    public var producer: (@Sendable (HTTPBodyWriter) async throws -> Void)?

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response whose body `producer` writes while it is sent (exports): memory stays bounded by the writer's
    /// buffer whatever the body's size. If the producer throws, the connection is closed without the final chunk,
    /// so the client sees an incomplete body rather than a truncated one that looks complete.
    public static func streaming(
        status: Int = 200, headers: HTTPHeaders, producer: @escaping @Sendable (HTTPBodyWriter) async throws -> Void
    ) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers)
        response.producer = producer
        return response
    }

    /// A JSON response of an encodable value (keys sorted, so output is stable).
    public static func json(_ value: some Encodable, status: Int = 200) throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var body = Array(try encoder.encode(value))
        body.append(UInt8(ascii: "\n"))
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// A plain-text response.
    public static func text(
        _ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8"
    )
        -> HTTPResponse
    {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }
}
