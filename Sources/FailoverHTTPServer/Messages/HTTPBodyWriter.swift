import CMicroHTTPD
import Synchronization

/// Writes the body of a streamed response (``HTTPResponse/streaming(status:headers:producer:)``) with
/// backpressure: ``write(_:)`` waits while the connection has not taken what is already buffered, so a large
/// export never sits in memory, and fails once the client has gone.
public final class HTTPBodyWriter: Sendable {
    /// The client closed the connection or the server stopped; stop producing.
    public struct Closed: Error, Sendable {}

    private struct State {
        var chunks: [[UInt8]] = []
        var offset = 0
        var buffered = 0
        var finished = false
        var failed = false
        var closed = false
        var readerSuspended = false
        var producerWaiting: CheckedContinuation<Void, any Error>?
    }

    private let state = Mutex(State())
    private let bufferLimit: Int
    private let connectionAddress: UInt
    private let core: ServerCore

    init(bufferLimit: Int, connection: OpaquePointer, core: ServerCore) {
        self.bufferLimit = bufferLimit
        connectionAddress = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection)))
        self.core = core
    }

    /// Appends bytes to the body; waits while the buffer is over its limit.
    public func write(_ bytes: [UInt8]) async throws(Closed) {
        guard !bytes.isEmpty else { return }
        let resume: Bool = try state.withLock { state throws(Closed) in
            guard !state.closed else { throw Closed() }
            state.chunks.append(bytes)
            state.buffered += bytes.count
            return wakeReader(&state)
        }
        if resume { resumeConnection() }
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, Closed>? = state.withLock { state in
                    if state.closed { return .failure(Closed()) }
                    if state.buffered <= bufferLimit { return .success(()) }
                    state.producerWaiting = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } catch {
            throw Closed()
        }
    }

    /// Appends text as UTF-8.
    public func write(_ text: String) async throws(Closed) {
        try await write(Array(text.utf8))
    }

    func finish(failed: Bool) {
        let resume = state.withLock { state in
            state.finished = true
            state.failed = failed
            return wakeReader(&state)
        }
        if resume { resumeConnection() }
    }

    /// Called on the polling thread: copies buffered bytes into libmicrohttpd's buffer.
    func read(into buffer: UnsafeMutableRawBufferPointer, connection: OpaquePointer) -> Int {
        var wakeProducer: CheckedContinuation<Void, any Error>?
        let result: Int = state.withLock { state in
            if state.buffered == 0 {
                if state.finished { return state.failed ? -2 : -1 }
                // Nothing yet: park the connection until the producer writes (suspending under the lock, so a
                // resume can never come before the suspend). A server that is stopping takes no more suspensions:
                // the stream ends as failed instead.
                let admitted = core.suspended.withLock { connections in
                    if connections.closed { return false }
                    connections.count += 1
                    return true
                }
                guard admitted else { return -2 }
                state.readerSuspended = true
                MHD_suspend_connection(connection)
                return 0
            }
            var copied = 0
            while copied < buffer.count, let first = state.chunks.first {
                let available = first.count - state.offset
                let count = min(available, buffer.count - copied)
                first.withUnsafeBytes { source in
                    buffer.baseAddress!.advanced(by: copied).copyMemory(
                        from: source.baseAddress!.advanced(by: state.offset), byteCount: count)
                }
                copied += count
                state.offset += count
                if state.offset == first.count {
                    state.chunks.removeFirst()
                    state.offset = 0
                }
            }
            state.buffered -= copied
            if state.buffered <= bufferLimit, let waiting = state.producerWaiting {
                state.producerWaiting = nil
                wakeProducer = waiting
            }
            return copied
        }
        wakeProducer?.resume()
        return result
    }

    /// The response is gone (sent, or the connection closed): the producer stops at its next write.
    func close() {
        let waiting = state.withLock { state in
            state.closed = true
            defer { state.producerWaiting = nil }
            return state.producerWaiting
        }
        waiting?.resume(throwing: Closed())
    }

    private func wakeReader(_ state: inout State) -> Bool {
        guard state.readerSuspended else { return false }
        state.readerSuspended = false
        return true
    }

    private func resumeConnection() {
        // Resume first, count down after (see HTTPResponder.respond).
        MHD_resume_connection(OpaquePointer(bitPattern: connectionAddress))
        core.suspended.withLock { $0.count -= 1 }
    }
}
