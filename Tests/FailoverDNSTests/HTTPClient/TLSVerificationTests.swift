import FailoverHTTPClient
import FailoverTestSupport
import Foundation
import Logging
import Testing

/// TLS verification against a real TLS server on loopback (`openssl s_server` with a certificate made here).
@Suite("HTTP client TLS verification", .serialized, .timeLimit(.minutes(1)))
struct TLSVerificationTests {
    /// A self-signed certificate for 127.0.0.1 and `openssl s_server` serving it; stopped by `stop()`.
    struct TLSServer {
        let directory: TemporaryDirectory
        let process: ChildProcess
        let port: UInt16
        var certificate: String { directory.file("cert.pem") }

        init() async throws {
            directory = try TemporaryDirectory(prefix: "failoverd-tls")
            _ = try await ShellCommand.run(
                "/usr/bin/openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
                    + " -addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem",
                in: directory.path)
            port = try FreePort.next()
            process = try ChildProcess(
                executable: "/usr/bin/openssl",
                arguments: [
                    "s_server", "-accept", "127.0.0.1:\(port)", "-cert", directory.file("cert.pem"), "-key",
                    directory.file("key.pem"), "-www", "-quiet",
                ], logPath: directory.file("s_server.log"))
            for _ in 0..<100 {
                if (try? TestHTTPConnection(port: port)) != nil { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw TestHTTPError.serverDidNotStart
        }

        func stop() async {
            await process.stop(grace: .seconds(2))
            directory.remove()
        }
    }

    enum TestHTTPError: Error { case serverDidNotStart }

    static func client(caFile: String?) -> HTTPClient {
        HTTPClient(
            configuration: HTTPClientConfiguration(
                connectTimeout: .seconds(2), requestTimeout: .seconds(5), caFile: caFile,
                retryPolicy: HTTPRetryPolicy(maxAttempts: 1)),
            logger: Logger(label: "tls-test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test("a certificate the system store does not trust is refused as a TLS failure")
    func untrustedIsRefused() async throws {
        let server = try await TLSServer()
        do {
            _ = try await Self.client(caFile: nil).execute(
                HTTPClientRequest(method: .get, url: "https://127.0.0.1:\(server.port)/"))
            Issue.record("the self-signed certificate was accepted")
        } catch {
            #expect(error.isTLSFailure, "\(error)")
        }
        await server.stop()
    }

    @Test("the configured CA file makes the same server trusted")
    func caFileIsTrusted() async throws {
        let server = try await TLSServer()
        let response = try await Self.client(caFile: server.certificate).execute(
            HTTPClientRequest(method: .get, url: "https://127.0.0.1:\(server.port)/"))
        #expect(response.status == 200)
        await server.stop()
    }
}
