import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP relay on `127.0.0.1` in front of a fake provider that can reset connections on demand.
///
/// Every accepted connection is relayed byte for byte to `127.0.0.1:upstreamPort`, unless drops are pending:
/// then the proxy reads the start of the request (so the client has sent it) and closes the socket with an RST
/// (`SO_LINGER` 0), as a crashed load balancer or a network reset would. libcurl reports "connection reset by
/// peer" or "empty reply from server", which is the unknown-outcome transport failure clients must handle.
///
/// ```swift
/// let proxy = try ConnectionDroppingProxy(upstreamPort: fake.port)
/// defer { proxy.stop() }
/// proxy.dropNext(2)
/// ```
public final class ConnectionDroppingProxy: Sendable {
    private struct State: Sendable {
        var pendingDrops = 0
        var dropped = 0
        var relayed = 0
        var stopping = false
        var openSockets: Set<Int32> = []
    }

    private let listener: Int32
    private let upstreamPort: UInt16
    private let state = Mutex(State())
    /// The port the proxy listens on.
    public let port: UInt16

    /// Starts listening on `127.0.0.1` on a free port and relaying to `127.0.0.1:upstreamPort`.
    public init(upstreamPort: UInt16) throws(ConnectionDroppingProxyError) {
        self.upstreamPort = upstreamPort
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw .cannotListen("socket() failed: errno \(errno)") }
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ready = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socketDescriptor, generic, length) == 0 && listen(socketDescriptor, 64) == 0
                    && getsockname(socketDescriptor, generic, &length) == 0
            }
        }
        guard ready else {
            close(socketDescriptor)
            throw .cannotListen("cannot listen on 127.0.0.1: errno \(errno)")
        }
        listener = socketDescriptor
        port = UInt16(bigEndian: address.sin_port)
        let acceptThread = Thread { [self] in acceptLoop() }
        acceptThread.name = "fake-proxy-accept"
        acceptThread.start()
    }

    /// Resets the next `count` connections instead of relaying them.
    public func dropNext(_ count: Int) { state.withLock { $0.pendingDrops += count } }

    /// Connections reset so far.
    public var droppedConnections: Int { state.withLock { $0.dropped } }

    /// Connections relayed so far.
    public var relayedConnections: Int { state.withLock { $0.relayed } }

    /// Stops accepting and closes every open connection.
    public func stop() {
        let sockets = state.withLock { state -> Set<Int32> in
            state.stopping = true
            return state.openSockets
        }
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        for socket in sockets { Glibc.shutdown(socket, Int32(SHUT_RDWR)) }
    }

    deinit {
        close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let drop = state.withLock { state -> Bool? in
                guard !state.stopping else { return nil }
                if state.pendingDrops > 0 {
                    state.pendingDrops -= 1
                    state.dropped += 1
                    return true
                }
                state.relayed += 1
                return false
            }
            switch drop {
            case nil:
                close(client)
                return
            case true?:
                reset(client)
            case false?:
                let relay = Thread { [self] in relayConnection(client) }
                relay.name = "fake-proxy-relay"
                relay.start()
            }
        }
    }

    /// Reads what the client sent (up to a moment), then closes with an RST.
    private func reset(_ client: Int32) {
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = recv(client, &buffer, buffer.count, 0)
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close(client)
    }

    private func relayConnection(_ client: Int32) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: upstreamPort)
        let connected =
            upstream >= 0
            && withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
        guard connected else {
            if upstream >= 0 { close(upstream) }
            close(client)
            return
        }
        state.withLock { $0.openSockets.formUnion([client, upstream]) }
        let backwards = Thread { Self.pump(from: upstream, to: client) }
        backwards.name = "fake-proxy-relay"
        backwards.start()
        Self.pump(from: client, to: upstream)
        // Each pump half-closes its destination when its source ends; wait for the other direction.
        while !backwards.isFinished { usleep(1000) }
        state.withLock { $0.openSockets.subtract([client, upstream]) }
        close(client)
        close(upstream)
    }

    private static func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = recv(source, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            var sent = 0
            while sent < count {
                let written = buffer.withUnsafeBytes { bytes in
                    send(destination, bytes.baseAddress! + sent, count - sent, Int32(MSG_NOSIGNAL))
                }
                if written < 0, errno == EINTR { continue }
                guard written > 0 else {
                    Glibc.shutdown(source, Int32(SHUT_RD))
                    return
                }
                sent += written
            }
        }
        Glibc.shutdown(destination, Int32(SHUT_WR))
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// Why the proxy could not start.
public struct ConnectionDroppingProxyError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case cannotListen
    }

    private let code: Code
    /// What failed.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The listening socket could not be created or bound.
    static func cannotListen(_ message: String) -> Self { .init(.cannotListen, message) }

    /// The message.
    public var description: String { message }
}
