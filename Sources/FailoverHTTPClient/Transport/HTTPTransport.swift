/// Makes one attempt of an HTTP exchange; the client's retry loop sits on top.
///
/// ``CurlTransport`` is the real one; tests of the retry policy script answers with their own conformance.
public protocol HTTPTransport: Sendable {
    /// Sends `request` once and returns the answer, whatever its status.
    func perform(
        _ request: HTTPClientRequest, configuration: HTTPClientConfiguration
    )
        async throws(HTTPClientError) -> HTTPClientResponse
}
