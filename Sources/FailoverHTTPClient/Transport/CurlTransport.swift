import CCurl
import Dispatch

/// The real transport: one libcurl easy handle per attempt, run on a dedicated dispatch queue.
///
/// `curl_easy_perform` blocks its thread for the whole exchange; running it on Swift's cooperative pool would
/// starve other tasks, so it runs on a concurrent dispatch queue and the calling task waits on a continuation.
/// Each handle sets `CURLOPT_NOSIGNAL` (no SIGALRM in a threaded process), verifies TLS peers and host names
/// against the system store or ``HTTPClientConfiguration/caFile``, allows only HTTP and HTTPS, follows no
/// redirects and enforces the connect and total timeouts and the body cap.
public struct CurlTransport: HTTPTransport {
    private static let queue = DispatchQueue(label: "failoverd.http-client.curl", attributes: .concurrent)

    /// Creates the transport.
    public init() {}

    public func perform(_ request: HTTPClientRequest, configuration: HTTPClientConfiguration)
        async throws(HTTPClientError) -> HTTPClientResponse
    {
        guard CurlGlobal.ensureInitialised() else {
            throw .transport("\(request): libcurl could not be initialised", requestMayHaveBeenSent: false)
        }
        let result: Result<HTTPClientResponse, HTTPClientError> = await withCheckedContinuation { continuation in
            Self.queue.async {
                let exchange = CurlExchange(limit: configuration.maxResponseBodyBytes)
                continuation.resume(returning: exchange.run(request, configuration: configuration))
            }
        }
        return try result.get()
    }
}
