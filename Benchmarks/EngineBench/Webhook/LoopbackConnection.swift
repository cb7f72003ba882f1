import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A blocking HTTP/1.1 keep-alive connection to `127.0.0.1`, for the benchmark's own thread: one request at a
/// time, the answer stamped on the monotonic clock as soon as its last byte has been read (no hop through a task
/// pool or a client library between the socket and the stamp). Answers need a `Content-Length`.
final class LoopbackConnection {
    private let descriptor: Int32
    private var buffered: [UInt8] = []
    private let port: UInt16

    /// Connects to `127.0.0.1:port`; a read waits at most `timeoutSeconds`.
    init(port: UInt16, timeoutSeconds: Int = 10) throws(BenchError) {
        self.port = port
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchError("socket() failed: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let code = errno
            close(descriptor)
            throw BenchError("cannot connect to 127.0.0.1:\(port): errno \(code)")
        }
    }

    deinit { close(descriptor) }

    /// Sends one request and reads its answer.
    func exchange(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws(BenchError) -> LoopbackAnswer {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8) + body)
        return try readAnswer(method: method)
    }

    private func send(_ bytes: [UInt8]) throws(BenchError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw BenchError("send to 127.0.0.1:\(port) failed: errno \(errno)") }
            offset += sent
        }
    }

    private func fill() throws(BenchError) {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            throw BenchError(
                count == 0 ? "127.0.0.1:\(port) closed the connection" : "recv from 127.0.0.1:\(port): errno \(errno)")
        }
        buffered.append(contentsOf: chunk[0..<count])
    }

    private func readAnswer(method: String) throws(BenchError) -> LoopbackAnswer {
        var headEnd: Int?
        var searched = 0
        while headEnd == nil {
            if buffered.count >= 4 {
                for index in max(0, searched - 3)...(buffered.count - 4)
                where buffered[index] == 13 && buffered[index + 1] == 10 && buffered[index + 2] == 13
                    && buffered[index + 3] == 10
                {
                    headEnd = index
                    break
                }
                searched = buffered.count
            }
            if headEnd == nil { try fill() }
        }
        let head = String(decoding: buffered[0..<headEnd!], as: UTF8.self)
        buffered.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw BenchError("bad status line: \(statusLine)") }
        var length = 0
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "content-length" { length = Int(value) ?? 0 }
            if name == "transfer-encoding" { throw BenchError("chunked answers are not read here: \(statusLine)") }
        }
        if method == "HEAD" { length = 0 }
        while buffered.count < length { try fill() }
        let answeredAt = ContinuousClock.now
        let wall = Date().timeIntervalSince1970 * 1000
        let body = Array(buffered[0..<length])
        buffered.removeFirst(length)
        return LoopbackAnswer(status: status, body: body, answeredAt: answeredAt, answeredAtWallMilliseconds: wall)
    }

}
