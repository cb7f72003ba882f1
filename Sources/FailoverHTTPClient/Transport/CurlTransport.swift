import CCurl
import Foundation

/// The real transport: one libcurl easy handle per attempt, each run on a thread of its own.
///
/// `curl_easy_perform` blocks its thread for the whole exchange. Swift's cooperative pool has one thread per
/// core, and on Linux libdispatch's global queues share that pool, so neither may host it: a few slow answers
/// would stall every task in the process. Each attempt therefore runs on a dedicated thread and the calling task
/// waits on a continuation. Cancelling the task aborts the exchange at libcurl's next progress check.
///
/// Each handle sets `CURLOPT_NOSIGNAL` (no SIGALRM in a threaded process), verifies TLS peers and host names
/// against the system store or ``HTTPClientConfiguration/caFile``, allows only HTTP and HTTPS, follows no
/// redirects and enforces the connect and total timeouts and the body cap.
public struct CurlTransport: HTTPTransport {
    /// Stack size of an exchange thread; libcurl needs little.
    private static let threadStackSize = 512 * 1024

    /// Creates the transport.
    public init() {}

    /// Runs one libcurl exchange on its own thread and returns the answer, whatever its status.
    public func perform(
        _ request: HTTPClientRequest, configuration: HTTPClientConfiguration
    )
        async throws(HTTPClientError) -> HTTPClientResponse
    {
        if let failure = CurlGlobal.initialise() {
            throw .transport("\(request): \(failure)", requestMayHaveBeenSent: false)
        }
        if Task.isCancelled { throw .cancelled(request.description) }
        let exchange = CurlExchange(limit: configuration.maxResponseBodyBytes)
        let result: Result<HTTPClientResponse, HTTPClientError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: exchange.run(request, configuration: configuration))
                }
                thread.name = "failoverd-http"
                thread.stackSize = Self.threadStackSize
                thread.start()
            }
        } onCancel: {
            exchange.cancel()
        }
        return try result.get()
    }
}
