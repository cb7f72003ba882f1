import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A raw HTTP/1.1 client connection for tests, so that tests see exactly what crosses the wire
/// (keep-alive, closing, status lines) without a client library in between.
///
/// Blocking socket calls run on a Dispatch thread, never on Swift's cooperative pool, which the server under
/// test needs for its handlers.
public final class TestHTTPConnection: @unchecked Sendable {
    private let descriptor: Int32
    private let queue = DispatchQueue(label: "failoverd.test-http")
    private var buffered: [UInt8] = []

    /// Connects to `127.0.0.1:port`; reads time out after `timeout`.
    /// - Parameter timeout: how long a read or write may wait. The default (120 s) outlasts the stalls of a
    ///   2-core machine running the whole suite in parallel, when hundreds of fixtures open their databases at
    ///   once on the cooperative pool that the servers' handlers also need (30 s was missed there).
    public init(port: UInt16, timeout: Duration = .seconds(120)) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestHTTPError("socket() failed: errno \(errno)") }
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // No close here: every stored property is set, so `deinit` runs when this initializer throws and closes
        // the socket. Closing it here as well closed the number twice, and the second close hit whatever other
        // thread had been given that number in between (a libmicrohttpd socket, a child process's pipe).
        guard status == 0 else { throw TestHTTPError("connect to 127.0.0.1:\(port) failed: errno \(errno)") }
    }

    deinit { Glibc.close(descriptor) }

    /// Sends one request on this connection and reads its response.
    public func send(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> TestHTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(
                    with: Result { try self.exchange(method, path, headers: headers, body: body) })
            }
        }
    }

    /// Sends raw bytes (for malformed or partial requests).
    public func sendRaw(_ bytes: [UInt8]) throws {
        try write(bytes)
    }

    /// Reads one response to bytes sent with ``sendRaw(_:)``.
    public func receive(method: String = "GET") async throws -> TestHTTPResponse {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try self.readResponse(method: method) }) }
        }
    }

    /// Waits until the server has sent something (or closed), up to `timeout`; returns whether it did.
    public func waitUntilReadable(within timeout: Duration) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(
            timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return poll(&poller, 1, milliseconds) > 0
    }

    /// Whether the server has closed this connection (reads end-of-stream without blocking long).
    public func isClosedByServer(waiting: Duration = .milliseconds(200)) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(
            &poller, 1,
            Int32(waiting.components.seconds * 1000 + waiting.components.attoseconds / 1_000_000_000_000_000))
        guard ready > 0 else { return false }
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, Int32(MSG_PEEK))
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    private func exchange(
        _ method: String, _ path: String, headers: [(String, String)], body: [UInt8]
    ) throws
        -> TestHTTPResponse
    {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        var hasLength = false
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
            if name.lowercased() == "content-length" { hasLength = true }
        }
        if !hasLength && (!body.isEmpty || method == "POST" || method == "PUT") {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try write(Array(head.utf8) + body)
        return try readResponse(method: method)
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw TestHTTPError("send failed: errno \(errno)") }
            offset += sent
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            throw TestHTTPError(count == 0 ? "connection closed by server" : "recv failed: errno \(errno)")
        }
        buffered.append(contentsOf: chunk[0..<count])
    }

    private func readLine() throws -> String {
        while true {
            if let end = buffered.firstIndex(of: 10) {
                let line = String(decoding: buffered[0..<end], as: UTF8.self)
                buffered.removeFirst(end + 1)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            try fill()
        }
    }

    /// Reads a chunked body to its last chunk; a connection that ends before it is an error.
    private func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
                throw TestHTTPError("bad chunk size line: \(sizeLine)")
            }
            if size == 0 {
                while try !readLine().isEmpty {}
                return body
            }
            while buffered.count < size + 2 { try fill() }
            body.append(contentsOf: buffered[0..<size])
            buffered.removeFirst(size + 2)
        }
    }

    private func readResponse(method: String) throws -> TestHTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            if buffered.count >= 4 {
                for index in 0...(buffered.count - 4) where Array(buffered[index..<index + 4]) == separator {
                    headerEnd = index
                    break
                }
            }
            if headerEnd == nil { try fill() }
        }
        let headText = String(decoding: buffered[0..<headerEnd!], as: UTF8.self)
        buffered.removeFirst(headerEnd! + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let statusParts = statusLine.split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw TestHTTPError("bad status line: \(statusLine)")
        }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let chunked = headers.contains { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased() == "chunked" }
        if chunked && method != "HEAD" {
            return TestHTTPResponse(status: status, headers: headers, body: try readChunkedBody())
        }
        let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
        let bodyLength = method == "HEAD" ? 0 : length
        while buffered.count < bodyLength { try fill() }
        let body = Array(buffered[0..<bodyLength])
        buffered.removeFirst(bodyLength)
        return TestHTTPResponse(status: status, headers: headers, body: body)
    }
}

/// A response read by ``TestHTTPConnection``.
public struct TestHTTPResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields in order.
    public var headers: [(String, String)]
    /// The body.
    public var body: [UInt8]

    /// The first value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object.
    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw TestHTTPError("body is not a JSON object: \(text)")
        }
        return object
    }
}

/// A failure of the test HTTP client.
public struct TestHTTPError: Error, CustomStringConvertible {
    /// What failed.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One-shot requests on a fresh connection each.
public enum TestHTTP {
    /// Opens a connection, sends one request, returns the response.
    public static func send(
        port: UInt16, _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) async throws -> TestHTTPResponse {
        let connection = try TestHTTPConnection(port: port)
        return try await connection.send(method, path, headers: headers, body: body)
    }

    /// Posts a JSON body to `path`.
    public static func postJSON(
        port: UInt16, _ path: String, _ body: [UInt8], headers: [(String, String)] = []
    ) async throws -> TestHTTPResponse {
        try await send(port: port, "POST", path, headers: [("Content-Type", "application/json")] + headers, body: body)
    }
}
