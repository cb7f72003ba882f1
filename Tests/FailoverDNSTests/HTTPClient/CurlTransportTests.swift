import FailoverHTTPClient
import FailoverHTTPServer
import Logging
import Testing

@Suite("HTTP client on libcurl", .timeLimit(.minutes(1)))
struct CurlTransportTests {
    let logs = LogRecorder()

    /// Runs `body` against a server on 127.0.0.1 with the given routes, and stops it afterwards.
    func withServer<Result>(
        _ configure: (inout HTTPRouter) -> Void, _ body: (String) async throws -> Result
    ) async throws -> Result {
        var router = HTTPRouter()
        configure(&router)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: router, logger: logs.logger())
        try server.start()
        do {
            let result = try await body("http://127.0.0.1:\(server.port)")
            await server.shutdown(gracePeriod: .seconds(3))
            return result
        } catch {
            await server.shutdown(gracePeriod: .seconds(3))
            throw error
        }
    }

    func client(
        requestTimeout: Duration = .seconds(30), maxBody: Int = 4 << 20, attempts: Int = 3,
        timing: InstantTiming = InstantTiming()
    ) -> HTTPClient {
        HTTPClient(
            configuration: HTTPClientConfiguration(
                connectTimeout: .seconds(10), requestTimeout: requestTimeout, maxResponseBodyBytes: maxBody,
                retryPolicy: HTTPRetryPolicy(maxAttempts: attempts), timing: timing.timing),
            logger: logs.logger())
    }

    @Test func sendsMethodBodyAndBearerTokenAndReadsHeadersCaseInsensitively() async throws {
        try await withServer({ router in
            router.on(.put, "/echo/{id}") { request in
                HTTPResponse(
                    status: 200,
                    headers: [
                        "Content-Type": "application/json", "X-RateLimit-Remaining": "397",
                        "x-seen-auth": request.headers["Authorization"] ?? "none",
                        "x-seen-method": request.method.rawValue,
                    ],
                    body: request.body)
            }
        }) { base in
            let request = HTTPClientRequest(
                method: .put, url: "\(base)/echo/7", headers: ["Content-Type": "application/json"],
                body: Array(#"{"target":"192.0.2.1"}"#.utf8), bearerToken: BearerToken("tok-123"))
            let response = try await client().execute(request)
            #expect(response.status == 200)
            #expect(response.headers["x-ratelimit-remaining"] == "397")
            #expect(response.headers["X-RATELIMIT-REMAINING"] == "397")
            #expect(response.headers["X-Seen-Auth"] == "Bearer tok-123")
            #expect(response.headers["x-seen-method"] == "PUT")
            #expect(String(decoding: response.body, as: UTF8.self) == #"{"target":"192.0.2.1"}"#)
            #expect(response.mediaType == "application/json")
        }
    }

    @Test func deleteWithEmptyAnswer() async throws {
        try await withServer({ router in
            router.on(.delete, "/records/{id}") { _ in HTTPResponse(status: 204) }
        }) { base in
            let response = try await client().execute(HTTPClientRequest(method: .delete, url: "\(base)/records/1"))
            #expect(response.status == 204)
            #expect(response.body.isEmpty)
        }
    }

    @Test func htmlErrorPageIsAnAnswerNotACrash() async throws {
        try await withServer({ router in
            router.on(.get, "/lb") { _ in
                .text("<html><head><title>502 Bad Gateway</title></head></html>", status: 502, contentType: "text/html")
            }
        }) { base in
            let timing = InstantTiming()
            let response = try await client(timing: timing).execute(HTTPClientRequest(method: .get, url: "\(base)/lb"))
            #expect(response.status == 502)
            #expect(response.attempts == 3)
            #expect(!response.looksLikeJSON)
            #expect(response.bodyPrefix(20) == "<html><head><title>5…")
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        try await withServer({ router in
            router.on(.get, "/big") { _ in HTTPResponse(status: 200, body: Array(repeating: 0x41, count: 100_000)) }
        }) { base in
            let error = await #expect(throws: HTTPClientError.self) {
                _ = try await client(maxBody: 1000).execute(HTTPClientRequest(method: .get, url: "\(base)/big"))
            }
            #expect(error?.isResponseTooLarge == true)
            #expect(error?.attempts == 1)
        }
    }

    @Test func slowServerTimesOutAndIsRetried() async throws {
        try await withServer({ router in
            router.on(.get, "/slow") { _ in
                try await Task.sleep(for: .milliseconds(700))
                return .text("late")
            }
        }) { base in
            let error = await #expect(throws: HTTPClientError.self) {
                _ = try await client(requestTimeout: .milliseconds(150), attempts: 2)
                    .execute(HTTPClientRequest(method: .get, url: "\(base)/slow"))
            }
            #expect(error?.isTimeout == true)
            #expect(error?.attempts == 2)
        }
    }

    @Test func refusedConnectionIsRetriedThenReported() async throws {
        let refusing = try RefusingPort()
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client(attempts: 3).execute(
                HTTPClientRequest(method: .get, url: "http://127.0.0.1:\(refusing.port)/gone"))
        }
        #expect(error?.isConnectionFailure == true)
        #expect(error?.attempts == 3)
        #expect(error?.requestMayHaveBeenSent == false)
        withExtendedLifetime(refusing) {}
    }

    @Test func malformedURLIsAnInvalidRequest() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client().execute(HTTPClientRequest(method: .get, url: "ftp://example.test/file"))
        }
        #expect(error?.isTransient == false)
    }

    @Test func cancellingTheTaskAbortsTheExchange() async throws {
        try await withServer({ router in
            router.on(.get, "/hang") { _ in
                try? await Task.sleep(for: .milliseconds(1500))
                return .text("too late")
            }
        }) { base in
            let client = client(requestTimeout: .seconds(20))
            let task = Task {
                try await client.execute(HTTPClientRequest(method: .get, url: "\(base)/hang"))
            }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            let outcome = await task.result
            let error = try #require(outcome.failure as? HTTPClientError)
            // Had the exchange not been aborted, the server's answer would have made this a success.
            #expect(error.isCancelled)
            #expect(error.attempts == 1)
        }
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
