import FailoverHTTPServer
import FailoverTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Starts a server with the given routes on a free loopback port, runs `body`, and always shuts it down.
func withServer(
    maxBodyBytes: Int = 1024, routes: (inout HTTPRouter) -> Void,
    _ body: (HTTPServer) async throws -> Void
) async throws {
    var router = HTTPRouter()
    routes(&router)
    let (logger, _) = InMemoryLogHandler.logger()
    let server = HTTPServer(
        // Idle and request timeouts beyond any stall of a loaded machine: these tests are not about them.
        configuration: HTTPServerConfiguration(
            host: "127.0.0.1", port: 0, maxBodyBytes: maxBodyBytes, connectionTimeoutSeconds: 300,
            requestTimeout: .seconds(300)),
        router: router, logger: logger)
    try server.start()
    do {
        try await body(server)
    } catch {
        await server.shutdown(gracePeriod: .seconds(2))
        throw error
    }
    await server.shutdown(gracePeriod: .seconds(2))
}

@Suite("HTTPServer on libmicrohttpd")
struct HTTPServerTests {
    static func echoRoutes(_ router: inout HTTPRouter) {
        router.on(.post, "/echo") { request in
            var response = HTTPResponse(status: 200, body: request.body)
            response.headers.add(name: "X-Method", value: request.method.rawValue)
            response.headers.add(
                name: "X-Query", value: request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"))
            response.headers.add(name: "X-Header", value: request.headers["x-custom"] ?? "")
            response.headers.add(name: "X-Remote", value: request.remoteAddress)
            return response
        }
        router.on(.get, "/slow") { _ in
            try await Task.sleep(for: .milliseconds(300))
            return .text("slow")
        }
        router.on(.get, "/fast") { _ in .text("fast") }
        router.on(.get, "/teapot") { _ in
            throw HTTPError.serviceUnavailable("busy brewing", reason: "brewing", retryAfterSeconds: 3)
        }
        router.on(.get, "/crash") { _ in throw CancellationError() }
    }

    @Test("binds port 0 to a port the kernel picks")
    func portZero() async throws {
        try await withServer(routes: Self.echoRoutes) { server in
            #expect(server.port > 0)
        }
    }

    @Test("keep-alive: several requests on one connection, which stays open")
    func keepAlive() async throws {
        try await withServer(routes: Self.echoRoutes) { server in
            let connection = try TestHTTPConnection(port: server.port)
            for index in 0..<5 {
                let response = try await connection.send("POST", "/echo", body: Array("body \(index)".utf8))
                #expect(response.status == 200)
                #expect(response.text == "body \(index)")
            }
            let notFound = try await connection.send("GET", "/missing")
            #expect(notFound.status == 404)
            #expect(!connection.isClosedByServer())
            #expect(try await connection.send("GET", "/fast").text == "fast")
        }
    }

    @Test("body, query, headers and peer address reach the handler")
    func requestParts() async throws {
        try await withServer(routes: Self.echoRoutes) { server in
            let response = try await TestHTTP.send(
                port: server.port, "POST", "/echo?a=1&b=x%20y", headers: [("X-Custom", "value")],
                body: Array(#"{"k":"v"}"#.utf8))
            #expect(response.text == #"{"k":"v"}"#)
            #expect(response.header("X-Method") == "POST")
            #expect(response.header("X-Query") == "a=1&b=x y")
            #expect(response.header("X-Header") == "value")
            #expect(response.header("X-Remote") == "127.0.0.1")
        }
    }

    @Test("a handler that waits does not hold up other connections")
    func asynchronousHandlers() async throws {
        let gate = Gate()
        try await withServer(routes: { router in
            router.on(.get, "/waits") { _ in
                // Answers only after the test has seen another request answered.
                for _ in 0..<500 where !gate.isOpen { try await Task.sleep(for: .milliseconds(10)) }
                return .text(gate.isOpen ? "waited" : "gate never opened")
            }
            router.on(.get, "/fast") { _ in .text("fast") }
        }) { server in
            let port = server.port
            async let waiting = TestHTTP.send(port: port, "GET", "/waits")
            try await Task.sleep(for: .milliseconds(50))
            let fast = try await TestHTTP.send(port: port, "GET", "/fast")
            #expect(fast.text == "fast")
            gate.open()
            #expect(try await waiting.text == "waited")
        }
    }

    @Test("a body over the cap announced by Content-Length gets 413 and the connection closes")
    func tooLargeByLength() async throws {
        try await withServer(maxBodyBytes: 1024, routes: Self.echoRoutes) { server in
            let connection = try TestHTTPConnection(port: server.port)
            let response = try await connection.send("POST", "/echo", body: [UInt8](repeating: 65, count: 4096))
            #expect(response.status == 413)
            #expect(try response.json()["error"] as? String == "payload_too_large")
            #expect(try response.json()["message"] as? String == "request body exceeds the limit of 1024 bytes")
        }
    }

    @Test("a chunked body that grows over the cap gets 413")
    func tooLargeChunked() async throws {
        try await withServer(maxBodyBytes: 1024, routes: Self.echoRoutes) { server in
            let connection = try TestHTTPConnection(port: server.port)
            let chunk = String(repeating: "B", count: 800)
            let hex = String(chunk.utf8.count, radix: 16)
            let request =
                "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "\(hex)\r\n\(chunk)\r\n\(hex)\r\n\(chunk)\r\n0\r\n\r\n"
            try connection.sendRaw(Array(request.utf8))
            let response = try await connection.send("GET", "/fast")
            // The 413 for the chunked request arrives first; the pipelined GET may or may not be served after it.
            #expect(response.status == 413)
        }
    }

    @Test("a body exactly at the cap is accepted")
    func atTheCap() async throws {
        try await withServer(maxBodyBytes: 1024, routes: Self.echoRoutes) { server in
            let response = try await TestHTTP.send(
                port: server.port, "POST", "/echo", body: [UInt8](repeating: 67, count: 1024))
            #expect(response.status == 200)
            #expect(response.body.count == 1024)
        }
    }

    @Test("404 and 405 are JSON; 405 carries Allow")
    func errors() async throws {
        try await withServer(routes: Self.echoRoutes) { server in
            let missing = try await TestHTTP.send(port: server.port, "GET", "/nothing")
            #expect(missing.status == 404)
            #expect(missing.header("Content-Type") == "application/json")
            #expect(missing.text == #"{"error":"not_found","message":"no endpoint at /nothing"}"# + "\n")
            let wrongMethod = try await TestHTTP.send(port: server.port, "PUT", "/echo", body: [1])
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "POST")
        }
    }

    @Test("an HTTPError thrown by a handler becomes its status, headers and JSON body")
    func handlerErrors() async throws {
        try await withServer(routes: Self.echoRoutes) { server in
            let teapot = try await TestHTTP.send(port: server.port, "GET", "/teapot")
            #expect(teapot.status == 503)
            #expect(teapot.header("Retry-After") == "3")
            #expect(teapot.text == #"{"error":"brewing","message":"busy brewing"}"# + "\n")
            let crash = try await TestHTTP.send(port: server.port, "GET", "/crash")
            #expect(crash.status == 500)
            #expect(try crash.json()["error"] as? String == "internal_error")
        }
    }

    @Test("polling-thread handlers answer at once, meanwhile or later from another thread, or 500 when they drop it")
    func pollingThreadHandlers() async throws {
        try await withServer(routes: { router in
            router.onPollingThread(.get, "/now") { _, responder in responder.respond(.text("now")) }
            router.onPollingThread(.get, "/later") { _, responder in
                Thread.detachNewThread {
                    Thread.sleep(forTimeInterval: 0.05)
                    responder.respond { .text("later") }
                    responder.respond(.text("ignored: only the first answer counts"))
                }
            }
            router.onPollingThread(.get, "/dropped") { _, _ in }
            // Answered from another thread while the handler still runs: queued when the handler returns.
            router.onPollingThread(.get, "/meanwhile") { _, responder in
                let answered = DispatchSemaphore(value: 0)
                Thread.detachNewThread {
                    responder.respond(.text("meanwhile"))
                    answered.signal()
                }
                answered.wait()
            }
        }) { server in
            let connection = try TestHTTPConnection(port: server.port)
            #expect(try await connection.send("GET", "/meanwhile").text == "meanwhile")
            #expect(try await connection.send("GET", "/now").text == "now")
            #expect(try await connection.send("GET", "/later").text == "later")
            let dropped = try await connection.send("GET", "/dropped")
            #expect(dropped.status == 500)
            #expect(try dropped.json()["message"] as? String == "the request was not answered")
        }
    }

    @Test("HEAD is answered without a body")
    func head() async throws {
        try await withServer(routes: Self.echoRoutes) { server in
            let connection = try TestHTTPConnection(port: server.port)
            let response = try await connection.send("HEAD", "/fast")
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(try await connection.send("GET", "/fast").text == "fast")
        }
    }

    @Test("shutdown answers requests in flight and then refuses connections")
    func gracefulShutdown() async throws {
        var router = HTTPRouter()
        Self.echoRoutes(&router)
        let (logger, _) = InMemoryLogHandler.logger()
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: router, logger: logger)
        try server.start()
        let port = server.port
        async let slow = TestHTTP.send(port: port, "GET", "/slow")
        try await Task.sleep(for: .milliseconds(100))
        await server.shutdown(gracePeriod: .seconds(5))
        #expect(try await slow.text == "slow")
        #expect(throws: (any Error).self) { try TestHTTPConnection(port: port) }
    }

    @Test("a server dropped without shutdown while a handler holds a request leaves it running instead of aborting")
    func droppedWhileSuspended() async throws {
        let entered = Mutex(false)
        var router = HTTPRouter()
        router.on(.get, "/held") { _ in
            entered.withLock { $0 = true }
            try await Task.sleep(for: .milliseconds(500))
            return .text("held")
        }
        let (logger, logs) = InMemoryLogHandler.logger()
        var server: HTTPServer? = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: router, logger: logger)
        try server?.start()
        let port = try #require(server?.port)
        async let held = TestHTTP.send(port: port, "GET", "/held")
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while !entered.withLock({ $0 }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(entered.withLock { $0 })
        server = nil
        // The daemon was left running: the held request is still answered, and the process is alive to see it.
        #expect(try await held.text == "held")
        #expect(logs.all.contains { $0.message.contains("dropped without shutdown") })
    }

    @Test("a port in use is a clear start error")
    func portInUse() async throws {
        try await withServer(routes: Self.echoRoutes) { server in
            let (logger, _) = InMemoryLogHandler.logger()
            let second = HTTPServer(
                configuration: HTTPServerConfiguration(host: "127.0.0.1", port: server.port), router: HTTPRouter(),
                logger: logger)
            #expect {
                try second.start()
            } throws: { error in
                (error as? HTTPServerError)?.message
                    == "cannot listen on 127.0.0.1:\(server.port) (address in use, not local, or not permitted)"
            }
        }
    }

    @Test("an unresolvable host is a clear start error")
    func badHost() {
        let (logger, _) = InMemoryLogHandler.logger()
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "no-such-host.invalid", port: 0), router: HTTPRouter(),
            logger: logger)
        #expect {
            try server.start()
        } throws: { error in
            (error as? HTTPServerError)?.message.hasPrefix("cannot resolve listen host 'no-such-host.invalid'") == true
        }
    }
}

/// A flag a test opens and handlers poll.
final class Gate: Sendable {
    private let state = Mutex(false)
    var isOpen: Bool { state.withLock { $0 } }
    func open() { state.withLock { $0 = true } }
}
