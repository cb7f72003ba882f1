import FailoverHTTPServer
import FailoverTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Streamed responses")
struct StreamingResponseTests {
    static func chunk(_ index: Int) -> String { "line \(index) " + String(repeating: "x", count: 1000) + "\n" }

    @Test("a large body is streamed in chunks with backpressure and arrives whole; the connection stays usable")
    func largeBody() async throws {
        try await withServer(routes: { router in
            router.on(.get, "/export") { _ in
                .streaming(headers: ["Content-Type": "application/x-ndjson"]) { writer in
                    for index in 0..<3000 { try await writer.write(Self.chunk(index)) }
                }
            }
            router.on(.get, "/fast") { _ in .text("fast") }
        }) { server in
            let connection = try TestHTTPConnection(port: server.port)
            let response = try await connection.send("GET", "/export")
            #expect(response.status == 200)
            #expect(response.header("Transfer-Encoding") == "chunked")
            #expect(response.header("Content-Type") == "application/x-ndjson")
            let expected = (0..<3000).map(Self.chunk).joined()
            #expect(response.body.count == expected.utf8.count)
            #expect(response.text == expected)
            #expect(try await connection.send("GET", "/fast").text == "fast")
        }
    }

    @Test("a producer that pauses between writes parks the connection instead of spinning")
    func slowProducer() async throws {
        try await withServer(routes: { router in
            router.on(.get, "/slow") { _ in
                .streaming(headers: ["Content-Type": "text/plain"]) { writer in
                    for index in 0..<5 {
                        try await Task.sleep(for: .milliseconds(40))
                        try await writer.write("\(index)\n")
                    }
                }
            }
        }) { server in
            let response = try await TestHTTP.send(port: server.port, "GET", "/slow")
            #expect(response.text == "0\n1\n2\n3\n4\n")
        }
    }

    @Test("a producer that fails ends the connection without the last chunk")
    func failingProducer() async throws {
        struct Broken: Error {}
        try await withServer(routes: { router in
            router.on(.get, "/broken") { _ in
                .streaming(headers: ["Content-Type": "text/plain"]) { writer in
                    try await writer.write("partial\n")
                    throw Broken()
                }
            }
        }) { server in
            await #expect(throws: (any Error).self) {
                _ = try await TestHTTP.send(port: server.port, "GET", "/broken")
            }
        }
    }

    @Test("a client that goes away stops the producer")
    func clientGone() async throws {
        let stopped = Mutex(false)
        try await withServer(routes: { router in
            router.on(.get, "/endless") { _ in
                .streaming(headers: ["Content-Type": "text/plain"]) { writer in
                    do {
                        while true { try await writer.write(String(repeating: "y", count: 4096)) }
                    } catch {
                        stopped.withLock { $0 = true }
                        throw error
                    }
                }
            }
        }) { server in
            do {
                let connection = try TestHTTPConnection(port: server.port)
                try connection.sendRaw(Array("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                // The producer is writing once the first bytes arrive.
                #expect(connection.waitUntilReadable(within: .seconds(120)))
            }
            // The connection is closed when it goes out of scope; the producer must notice.
            let deadline = ContinuousClock.now.advanced(by: .seconds(120))
            while !stopped.withLock({ $0 }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(stopped.withLock { $0 })
        }
    }
}
