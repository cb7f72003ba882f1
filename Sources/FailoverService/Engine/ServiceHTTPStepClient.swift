import FailoverEngine
import FailoverHTTPClient
import Logging

/// `http_check` and `http` steps through failoverd's one outbound client (libcurl, retries with backoff).
struct ServiceHTTPStepClient: StepHTTPClient {
    let logger: Logger

    func send(_ request: StepHTTPRequest) async throws(StepHTTPError) -> StepHTTPResponse {
        let configuration = HTTPClientConfiguration(
            connectTimeout: min(request.timeout, .seconds(5)), requestTimeout: request.timeout,
            retryPolicy: HTTPRetryPolicy(
                maxAttempts: request.attempts, maxRetryDuration: request.timeout * request.attempts))
        let client = HTTPClient(configuration: configuration, logger: logger)
        var headers = HTTPClientHeaders()
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            headers.replaceOrAdd(name: name, value: value)
        }
        let method = HTTPClientRequest.Method(rawValue: request.method)
        let outbound = HTTPClientRequest(
            method: method, url: request.url, headers: headers, body: request.body,
            retrySafety: request.idempotent ? .idempotent : .standard(for: method))
        do {
            let response = try await client.execute(outbound)
            return StepHTTPResponse(
                status: response.status, bodyPrefix: response.bodyPrefix(512), attempts: response.attempts)
        } catch {
            throw StepHTTPError(message: error.message, attempts: error.attempts)
        }
    }
}
