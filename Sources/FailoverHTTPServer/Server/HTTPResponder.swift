import CMicroHTTPD
import Synchronization

/// Answers one suspended request, from any thread, exactly once.
///
/// The answer is produced by a closure that runs on the polling thread when the connection resumes (or at once,
/// when a polling-thread handler answers before it returns), so building the body costs the answering thread
/// nothing. A responder dropped without answering answers 500, so a forgotten path can never leave a connection
/// hanging.
public final class HTTPResponder: Sendable {
    private let context: RequestContext
    private let core: ServerCore
    private let connectionAddress: UInt
    private let answered = Atomic<Bool>(false)

    init(context: RequestContext, core: ServerCore, connection: OpaquePointer) {
        self.context = context
        self.core = core
        connectionAddress = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection)))
    }

    /// Answers with a response built now.
    public func respond(_ response: HTTPResponse) {
        respond { response }
    }

    /// Answers with a response that `make` builds on the polling thread. Later calls are ignored.
    public func respond(_ make: @escaping @Sendable () -> HTTPResponse) {
        guard !answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // An answer given while a polling-thread handler still runs is queued by the polling thread when the
        // handler returns; the connection was never suspended.
        let suspended = context.answer.withLock { answer in
            answer.make = make
            return answer.suspended
        }
        guard suspended else { return }
        // Resume first, count down after: the server's shutdown stops the daemon once the count is zero, and
        // libmicrohttpd aborts (MHD_PANIC) when it finds a connection still suspended, not yet marked resuming.
        MHD_resume_connection(OpaquePointer(bitPattern: connectionAddress))
        core.suspended.withLock { $0.count -= 1 }
    }

    deinit {
        if !answered.load(ordering: .acquiring) {
            core.logger.error(
                "a request was dropped without an answer; answering 500", metadata: ["path": "\(context.path)"])
            respond(HTTPError.internalServerError("the request was not answered").response)
        }
    }
}
