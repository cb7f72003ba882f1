import FailoverHTTPServer
import FailoverTestSupport
import Foundation
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The refusals a server reported.
final class RefusalLog: Sendable {
    let refusals = Mutex<[HTTPServerRefusal]>([])
}

/// A server with limits set low, and the refusals it reported.
final class LimitedServer: Sendable {
    let server: HTTPServer
    let log = RefusalLog()
    let logs: InMemoryLogHandler.Store

    init(_ configuration: HTTPServerConfiguration) throws {
        var router = HTTPRouter()
        router.on(.get, "/hello") { _ in .text("hello") }
        router.on(.post, "/echo") { request in HTTPResponse(status: 200, body: request.body) }
        let (logger, logs) = InMemoryLogHandler.logger()
        self.logs = logs
        let log = log
        server = HTTPServer(
            configuration: configuration, router: router, logger: logger,
            onRefusal: { refusal in log.refusals.withLock { $0.append(refusal) } })
        try server.start()
    }

    var port: UInt16 { server.port }

    func count(_ refusal: HTTPServerRefusal) -> Int { log.refusals.withLock { $0.filter { $0 == refusal }.count } }

    /// Waits until `refusal` has been reported at least once.
    func waitFor(_ refusal: HTTPServerRefusal) async throws {
        try await PollingDeadline.wait(for: "a \(refusal) refusal", within: .seconds(60)) {
            count(refusal) > 0 ? true : nil
        }
    }

    /// Waits until a fresh connection gets an answer (the server still serves).
    func waitUntilServing() async throws {
        try await PollingDeadline.wait(for: "the server to answer again", within: .seconds(60)) {
            (try? await TestHTTP.send(port: port, "GET", "/hello"))?.status == 200 ? true : nil
        }
    }

    /// Waits until `connection` has been closed by the server.
    static func waitUntilClosed(_ connection: TestHTTPConnection) async throws {
        try await PollingDeadline.wait(for: "the server to close the connection", within: .seconds(60)) {
            try await BlockingCall.run { connection.isClosedByServer(waiting: .milliseconds(100)) } ? true : nil
        }
    }
}

@Suite("HTTPServer request limits, each against a misbehaving client")
struct RequestLimitTests {
    static func configuration(
        maxHeaderBytes: Int = 32 << 10, requestTimeout: Duration? = .seconds(30), connectionLimit: Int = 1024,
        perAddress: Int = 64
    ) -> HTTPServerConfiguration {
        HTTPServerConfiguration(
            host: "127.0.0.1", port: 0, maxBodyBytes: 1024, connectionLimit: connectionLimit,
            perAddressConnectionLimit: perAddress, requestTimeout: requestTimeout, maxHeaderBytes: maxHeaderBytes)
    }

    @Test("a request head larger than the limit gets 431, is counted, and the server keeps serving")
    func headerSize() async throws {
        let limited = try LimitedServer(Self.configuration(maxHeaderBytes: 8192))
        let connection = try TestHTTPConnection(port: limited.port, timeout: .seconds(60))
        let filler = String(repeating: "x", count: 200)
        var head = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for index in 0..<100 { head += "X-Filler-\(index): \(filler)\r\n" }
        try connection.sendRaw(Array((head + "\r\n").utf8))
        let response = try await connection.receive()
        #expect(response.status == 431)
        try await limited.waitFor(.headerSize)
        try await limited.waitUntilServing()
        await limited.server.shutdown(gracePeriod: .seconds(2))
    }

    @Test("a body over the limit gets 413 and is counted, announced or chunked")
    func bodySize() async throws {
        let limited = try LimitedServer(Self.configuration())
        let announced = try await TestHTTP.send(
            port: limited.port, "POST", "/echo", body: [UInt8](repeating: 1, count: 4096))
        #expect(announced.status == 413)
        let connection = try TestHTTPConnection(port: limited.port, timeout: .seconds(60))
        let chunk = String(repeating: "y", count: 2048)
        let chunked =
            "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "\(String(chunk.utf8.count, radix: 16))\r\n\(chunk)\r\n0\r\n\r\n"
        try connection.sendRaw(Array(chunked.utf8))
        #expect(try await connection.receive(method: "POST").status == 413)
        try await PollingDeadline.wait(for: "two body_size refusals", within: .seconds(60)) {
            limited.count(.bodySize) >= 2 ? true : nil
        }
        await limited.server.shutdown(gracePeriod: .seconds(2))
    }

    @Test("a client that trickles its headers a byte at a time is cut off after the request timeout")
    func slowloris() async throws {
        let limited = try LimitedServer(Self.configuration(requestTimeout: .seconds(1)))
        let connection = try TestHTTPConnection(port: limited.port, timeout: .seconds(60))
        let started = ContinuousClock.now
        let head = Array("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
        // Each byte well within the 30 s idle timeout: only the request timeout can end this.
        try await BlockingCall.run {
            var sent = 0
            while !connection.isClosedByServer(waiting: .milliseconds(250)) {
                // Short of the 30 s idle timeout: a close after that would not be the request timeout's.
                guard ContinuousClock.now - started < .seconds(25) else { break }
                if (try? connection.sendRaw([sent < head.count ? head[sent] : UInt8(ascii: "z")])) == nil { break }
                sent += 1
            }
        }
        // The close is the request timeout's (the sweeper counts it), not the idle timeout's, however slow the machine.
        #expect(connection.isClosedByServer(waiting: .seconds(10)))
        try await limited.waitFor(.requestTimeout)
        try await limited.waitUntilServing()
        await limited.server.shutdown(gracePeriod: .seconds(2))
    }

    @Test(
        "a connection beyond the per-address or the total limit is closed at once and counted; then one is let in",
        arguments: [HTTPServerRefusal.connectionsPerAddress, .connectionsTotal])
    func connectionLimits(limit: HTTPServerRefusal) async throws {
        let limited = try LimitedServer(
            limit == .connectionsPerAddress ? Self.configuration(perAddress: 2) : Self.configuration(connectionLimit: 2)
        )
        var held: [TestHTTPConnection] = []
        for _ in 0..<2 {
            let connection = try TestHTTPConnection(port: limited.port, timeout: .seconds(60))
            #expect(try await connection.send("GET", "/hello").status == 200)
            held.append(connection)
        }
        let refused = try TestHTTPConnection(port: limited.port, timeout: .seconds(60))
        try await LimitedServer.waitUntilClosed(refused)
        try await limited.waitFor(limit)
        held.removeAll()
        try await limited.waitUntilServing()
        await limited.server.shutdown(gracePeriod: .seconds(2))
    }
}
