import FailoverHTTPServer
import Testing

@testable import FailoverHTTPClient

@Suite("libcurl is opened at first use", .timeLimit(.minutes(1)))
struct CurlLibraryTests {
    @Test("a library that cannot be opened is named in the error")
    func missingLibrary() {
        let failure = CurlGlobal.load("libcurl-failoverd-missing.so.9")
        #expect(
            failure?.hasPrefix("cannot load libcurl (libcurl-failoverd-missing.so.9): ") == true, "\(failure ?? "")")
    }

    @Test("a library without libcurl's functions is refused, and the loaded libcurl keeps working")
    func libraryWithoutCurl() async throws {
        #expect(CurlGlobal.load("libm.so.6") == "libm.so.6 lacks curl_global_init")
        #expect(CurlGlobal.load("libcurl-failoverd-missing.so.9") != nil)
        // The failed loads replaced none of the functions in use: a request still goes through libcurl.
        var router = HTTPRouter()
        router.on(.get, "/ping") { _ in HTTPResponse(status: 200, body: Array("pong".utf8)) }
        let recorder = LogRecorder()
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: router,
            logger: recorder.logger())
        try server.start()
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient(configuration: HTTPClientConfiguration(), logger: recorder.logger())
                .execute(HTTPClientRequest(method: .get, url: "http://127.0.0.1:\(server.port)/ping"))
        } catch {
            await server.shutdown(gracePeriod: .seconds(3))
            throw error
        }
        await server.shutdown(gracePeriod: .seconds(3))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "pong")
        #expect(CurlGlobal.initialise() == nil)
    }
}
