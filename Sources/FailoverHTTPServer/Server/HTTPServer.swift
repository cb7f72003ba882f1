import CMicroHTTPD
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP/1.1 server (optionally over TLS) on libmicrohttpd that runs ``HTTPRouter`` handlers on Swift's
/// concurrency pool.
///
/// libmicrohttpd owns the sockets on its polling threads. When a request's head has arrived, the server checks the
/// client certificate (mutual TLS) and asks the admission check (credentials, networks, rate limits), before it
/// reads any byte of the body; a refused request with a body is answered at once. Then it reads the body (up to
/// ``HTTPServerConfiguration/maxBodyBytes``), suspends the connection, runs the handler as a task and resumes the
/// connection with the answer, so a handler can take as long as it needs (waiting for a group commit, say) without
/// holding the polling thread. Other answers are queued on a later call of the access handler than the first,
/// which keeps keep-alive connections open.
///
/// Limits: connections in total and per address (closed as soon as accepted), the request head's size (431, sent
/// by libmicrohttpd), the body's (413), and the time to send a request (the socket is shut down); each refusal is
/// reported through `onRefusal`.
public final class HTTPServer: Sendable {
    private let core: ServerCore
    private let daemon = Mutex<DaemonHandle?>(nil)
    private let sweeper = Mutex<RequestTimeoutSweeper?>(nil)

    /// Creates a server; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - admission: decides on each request from its head, before its body is read; `nil` admits all.
    ///   - onResponse: called once for every answered request (metrics, access logs).
    ///   - onRefusal: called for every request or connection the server refuses by itself (limits, client
    ///     certificates).
    public init(
        configuration: HTTPServerConfiguration, router: HTTPRouter, logger: Logger,
        admission: HTTPAdmission? = nil, onResponse: (@Sendable (RequestSummary) -> Void)? = nil,
        onRefusal: (@Sendable (HTTPServerRefusal) -> Void)? = nil
    ) {
        core = ServerCore(
            configuration: configuration, router: router, logger: logger, admission: admission,
            onResponse: onResponse, onRefusal: onRefusal)
    }

    deinit {
        sweeper.withLock { $0?.stop() }
        // A server dropped without shutdown() must not leave a daemon calling back into freed state.
        guard let handle = daemon.withLock({ $0 }) else { return }
        let idle = core.suspended.withLock { state in
            state.closed = true
            return state.count == 0
        }
        if idle {
            handle.stop()
        } else {
            // Handlers still hold suspended connections: stopping now would abort the process (libmicrohttpd
            // panics on a suspended connection), so the daemon keeps running, and the state its callbacks use
            // stays allocated, until the process exits. Only a caller that skipped shutdown() gets here.
            _ = Unmanaged.passRetained(core)
            core.logger.error(
                "HTTP server dropped without shutdown while requests were in handlers; leaving it running")
        }
    }

    /// The port the server listens on (the chosen one when configured with port 0); 0 before ``start()``.
    public var port: UInt16 {
        daemon.withLock { handle in handle.map { failoverd_mhd_bound_port($0.pointer) } ?? 0 }
    }

    /// Requests received and not answered yet.
    public var requestsInFlight: Int { core.inFlight.withLock { $0 } }

    /// Binds the listen address and starts serving.
    public func start() throws(HTTPServerError) {
        let result: Result<Void, HTTPServerError> = daemon.withLock { handle in
            guard handle == nil else { return .failure(.alreadyStarted) }
            let configuration = core.configuration
            let context = Unmanaged.passUnretained(core).toOpaque()
            var errorText = [CChar](repeating: 0, count: 256)
            var settings = failoverd_mhd_settings()
            settings.port = configuration.port
            // Our accept check refuses at the configured limit; libmicrohttpd's own, a little higher, is only a backstop
            // (at it libmicrohttpd stops accepting, which would leave a refused client waiting in the backlog).
            settings.connection_limit = UInt32(clamping: configuration.connectionLimit + 8)
            settings.connection_timeout = UInt32(clamping: configuration.connectionTimeoutSeconds)
            settings.thread_pool_size = UInt32(clamping: configuration.pollingThreads)
            settings.connection_memory_limit = max(configuration.maxHeaderBytes, 4096)
            settings.access_handler = accessHandler
            settings.access_context = context
            settings.completed_handler = completedHandler
            settings.completed_context = context
            settings.log_handler = logHandler
            settings.log_context = context
            settings.accept_handler = acceptHandler
            settings.accept_context = context
            settings.connection_handler = connectionHandler
            settings.connection_context = context
            var hooks: UnsafeMutableRawPointer?
            // The PEM text is read while the daemon starts (GnuTLS copies it), so these pointers may end after.
            let started: OpaquePointer? = withOptionalCString(configuration.tls?.keyPEM) { key in
                withOptionalCString(configuration.tls?.certificatePEM) { certificate in
                    withOptionalCString(configuration.tls?.clientCAPEM) { trust in
                        configuration.host.withCString { host in
                            settings.host = host
                            settings.tls_key_pem = key
                            settings.tls_certificate_pem = certificate
                            settings.tls_trust_pem = trust
                            defer {
                                settings.host = nil
                                settings.tls_key_pem = nil
                                settings.tls_certificate_pem = nil
                                settings.tls_trust_pem = nil
                            }
                            return errorText.withUnsafeMutableBufferPointer { buffer in
                                failoverd_mhd_start(&settings, buffer.baseAddress, buffer.count, &hooks)
                            }
                        }
                    }
                }
            }
            guard let started else {
                return .failure(
                    .cannotListen(String(decoding: errorText.prefix { $0 != 0 }.map(UInt8.init), as: UTF8.self)))
            }
            handle = DaemonHandle(pointer: started, hooks: hooks)
            return .success(())
        }
        try result.get()
        if let timeout = core.configuration.requestTimeout {
            let tick = max(min(timeout / 8, .seconds(1)), .milliseconds(50))
            sweeper.withLock { $0 = RequestTimeoutSweeper(core: core, tick: tick) }
        }
        core.logger.debug("HTTP server listening", metadata: ["host": "\(core.configuration.host)", "port": "\(port)"])
    }

    /// Stops accepting new connections; requests already received are still answered.
    public func stopAccepting() {
        daemon.withLock { handle in
            guard let handle, !handle.quiesced else { return }
            // The listen socket is ours now, but libmicrohttpd's threads may still poll it: it is closed only
            // after MHD_stop_daemon (closing it earlier let the number be reused and then closed twice).
            let socket = MHD_quiesce_daemon(handle.pointer)
            if socket >= 0 { handle.quiescedSocket = socket }
            handle.quiesced = true
        }
    }

    /// Graceful stop: no new connections, waits up to `gracePeriod` for requests in flight, then closes everything.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        stopAccepting()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: gracePeriod)
        while requestsInFlight > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let remaining = requestsInFlight
        if remaining > 0 {
            core.logger.warning("closing with requests still in flight", metadata: ["requests": "\(remaining)"])
        }
        // A suspended connection must be resumed before the daemon stops; wait for handlers without a deadline.
        // Once none is suspended, no request may suspend again (a keep-alive connection can still send one after
        // the listener closed): the same lock marks the server closed, and later requests get 503 at once.
        while !core.suspended.withLock({ state in
            if state.count == 0 { state.closed = true }
            return state.closed
        }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let handle = daemon.withLock { handle in
            defer { handle = nil }
            return handle
        }
        if let handle { handle.stop() }
        sweeper.withLock { sweeper in
            sweeper?.stop()
            sweeper = nil
        }
    }
}

/// Runs `body` with a C string of `text`, or with `nil` when there is none.
private func withOptionalCString<Result>(
    _ text: String?, _ body: (UnsafePointer<CChar>?) -> Result
) -> Result {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}

/// How many connections are suspended while their handlers run; once `closed`, none may be suspended again.
struct SuspendedConnections: Sendable {
    var count = 0
    var closed = false
}

/// The daemon pointer; only touched under the server's lock.
private final class DaemonHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    /// The C callbacks' state, freed with the daemon.
    let hooks: UnsafeMutableRawPointer?
    var quiesced = false
    var quiescedSocket: Int32?
    init(pointer: OpaquePointer, hooks: UnsafeMutableRawPointer?) {
        self.pointer = pointer
        self.hooks = hooks
    }

    /// Stops the daemon, then closes the listen socket it handed over when it was quiesced.
    func stop() {
        failoverd_mhd_stop(pointer, hooks)
        if let quiescedSocket { _ = close(quiescedSocket) }
        quiescedSocket = nil
    }
}

/// State shared with the C callbacks through their closure pointer.
final class ServerCore: Sendable {
    let configuration: HTTPServerConfiguration
    let router: HTTPRouter
    let logger: Logger
    let admission: HTTPAdmission?
    let onResponse: (@Sendable (RequestSummary) -> Void)?
    let onRefusal: (@Sendable (HTTPServerRefusal) -> Void)?
    /// Requests whose headers arrived and that are not completed yet.
    let inFlight = Mutex(0)
    /// Connections suspended while a handler runs, and whether the server stopped taking handlers (shutdown).
    let suspended = Mutex(SuspendedConnections())
    /// Open connections, for the connection limits and the request timeout.
    let connections = Mutex(ConnectionTable())

    init(
        configuration: HTTPServerConfiguration, router: HTTPRouter, logger: Logger, admission: HTTPAdmission?,
        onResponse: (@Sendable (RequestSummary) -> Void)?, onRefusal: (@Sendable (HTTPServerRefusal) -> Void)?
    ) {
        self.configuration = configuration
        self.router = router
        self.logger = logger
        self.admission = admission
        self.onResponse = onResponse
        self.onRefusal = onRefusal
    }

    /// The deadline for a request that starts being received now.
    func requestDeadline() -> ContinuousClock.Instant? {
        configuration.requestTimeout.map { ContinuousClock.now.advanced(by: $0) }
    }

    /// The deadline for the next request on a keep-alive connection answered now: the idle timeout closes a
    /// connection that sends nothing, so the request timeout starts when the idle one would have ended (an idle
    /// connection is not counted as a slow client, and a slow one is still cut off).
    func keepAliveDeadline() -> ContinuousClock.Instant? {
        configuration.requestTimeout.map {
            ContinuousClock.now.advanced(by: $0 + .seconds(configuration.connectionTimeoutSeconds))
        }
    }

    /// Shuts down the sockets of connections that have not sent their request in time; libmicrohttpd then sees
    /// the end of the stream and closes them.
    func cutOverdueConnections() {
        let cut = connections.withLock { table in
            let sockets = table.overdue(now: .now)
            for socket in sockets { _ = Glibc.shutdown(socket, Int32(SHUT_RDWR)) }
            return sockets.count
        }
        for _ in 0..<cut { onRefusal?(.requestTimeout) }
    }
}

/// A handler's answer on its way to the polling thread.
struct PendingAnswer {
    /// Builds the answer on the polling thread.
    var make: (@Sendable () -> HTTPResponse)?
    /// Whether the connection is suspended: false while a polling-thread handler runs, so that an answer given
    /// before it returns is queued at once, without suspending and resuming the connection.
    var suspended = false
}

/// One request's state across the access-handler calls libmicrohttpd makes for it.
final class RequestContext: @unchecked Sendable {
    // Touched on the polling thread only.
    let method: HTTPMethod
    let path: String
    var body: [UInt8] = []
    /// The answer decided from the head (a refused admission), sent once the request is complete.
    var refusal: HTTPResponse?
    var bodyTooLarge = false
    var discardedBytes = 0
    var dispatched = false
    var route = "unmatched"
    var started = ContinuousClock.now
    /// Where the handler's answer goes: the responder sets it, and resumes the connection when it was suspended.
    let answer = Mutex(PendingAnswer())

    init(method: HTTPMethod, path: String) {
        self.method = method
        self.path = path
    }
}

private let accessHandler: MHD_AccessHandlerCallback = {
    closure, connection, url, method, _, uploadData, uploadDataSize, requestContext in
    guard let closure, let connection, let uploadDataSize, let requestContext else { return .NO }
    let core = Unmanaged<ServerCore>.fromOpaque(closure).takeUnretainedValue()

    // First call: headers only. Never answer here (libmicrohttpd would close the keep-alive connection),
    // except to refuse a body that announces itself as too large.
    guard let existing = requestContext.pointee else {
        let context = RequestContext(
            method: HTTPMethod(rawValue: method.map { String(cString: $0) } ?? "GET"),
            path: url.map { String(cString: $0) } ?? "/")
        requestContext.pointee = Unmanaged.passRetained(context).toOpaque()
        core.inFlight.withLock { $0 += 1 }
        var route: String?
        if case .handler(_, let pattern, _) = core.router.resolve(context.method, context.path) {
            context.route = pattern
            route = pattern
        }
        let length = lookupHeader(connection, "Content-Length").flatMap(Int.init)
        let hasBody = (length ?? 0) > 0 || lookupHeader(connection, "Transfer-Encoding") != nil
        // Who is calling, from the head alone: nothing of the body is read for a caller that is turned away.
        if let refusal = refusal(connection, core: core, context: context, route: route) {
            if hasBody {
                context.bodyTooLarge = true
                return queue(refusal, on: connection, core: core, context: context)
            }
            context.refusal = refusal
            return .YES
        }
        if let length {
            if length > core.configuration.maxBodyBytes {
                context.bodyTooLarge = true
                core.onRefusal?(.bodySize)
                return queue(
                    HTTPError.payloadTooLarge(limit: core.configuration.maxBodyBytes).response, on: connection,
                    core: core, context: context)
            }
            context.body.reserveCapacity(length)
        }
        return .YES
    }
    let context = Unmanaged<RequestContext>.fromOpaque(existing).takeUnretainedValue()

    // Body chunks.
    if uploadDataSize.pointee > 0 {
        let size = uploadDataSize.pointee
        uploadDataSize.pointee = 0
        if context.bodyTooLarge {
            // Keep reading (and dropping) so the 413 can be sent once the request ends; give up on senders
            // that stream far beyond the cap.
            context.discardedBytes += size
            return context.discardedBytes > 16 * core.configuration.maxBodyBytes ? .NO : .YES
        }
        if context.body.count + size > core.configuration.maxBodyBytes {
            // Bodies without Content-Length (chunked) only show their size as they arrive: drop what came,
            // answer 413 when the request is complete (libmicrohttpd cannot answer in the middle of a body).
            context.bodyTooLarge = true
            context.discardedBytes = context.body.count + size
            context.body = []
            core.onRefusal?(.bodySize)
            return .YES
        }
        if let uploadData {
            uploadData.withMemoryRebound(to: UInt8.self, capacity: size) { bytes in
                context.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: size))
            }
        }
        return .YES
    }

    // The body is complete, or the handler has finished and resumed the connection.
    if context.dispatched {
        guard let make = context.answer.withLock({ $0.make.take() }) else { return .YES }
        return queue(make(), on: connection, core: core, context: context)
    }
    if let refusal = context.refusal {
        context.refusal = nil
        return queue(refusal, on: connection, core: core, context: context)
    }
    if context.bodyTooLarge {
        return queue(
            HTTPError.payloadTooLarge(limit: core.configuration.maxBodyBytes).response, on: connection, core: core,
            context: context)
    }
    context.dispatched = true
    // The request is in; the handler may take as long as it needs.
    core.connections.withLock { $0.setDeadline(connectionKey(connection), nil) }
    context.started = ContinuousClock.now
    switch core.router.resolve(context.method, context.path) {
    case .notFound:
        let error = HTTPError.notFound("no endpoint at \(context.path)")
        return queue(error.response, on: connection, core: core, context: context)
    case .methodNotAllowed(let allowed):
        let error = HTTPError.methodNotAllowed(context.method, path: context.path, allowed: allowed)
        return queue(error.response, on: connection, core: core, context: context)
    case .handler(let handler, _, let parameters):
        let request = HTTPRequest(
            method: context.method, path: context.path, query: collect(connection, .GET_ARGUMENT_KIND),
            headers: HTTPHeaders(collect(connection, .HEADER_KIND)), body: context.body,
            remoteAddress: clientAddress(connection), parameters: parameters)
        context.body = []
        // Counted as suspended before anything can answer (the shutdown waits for the count to reach zero).
        let admitted = core.suspended.withLock { state in
            if state.closed { return false }
            state.count += 1
            return true
        }
        guard admitted else {
            let error = HTTPError.serviceUnavailable("the server is shutting down; retry later", reason: "stopping")
            return queue(error.response, on: connection, core: core, context: context)
        }
        let responder = HTTPResponder(context: context, core: core, connection: connection)
        switch handler {
        case .pollingThread(let handle):
            handle(request, responder)
            // Answered already (a webhook committed on this thread): queue it now. Otherwise suspend until the
            // responder resumes; it waits for the lock, so it cannot resume before the suspension.
            let answered = context.answer.withLock { answer -> (@Sendable () -> HTTPResponse)? in
                if let make = answer.make.take() { return make }
                MHD_suspend_connection(connection)
                answer.suspended = true
                return nil
            }
            guard let answered else { return .YES }
            core.suspended.withLock { $0.count -= 1 }
            return queue(answered(), on: connection, core: core, context: context)
        case .task(let handle):
            // Suspend before anything can answer: the responder resumes, possibly before this function returns.
            context.answer.withLock { answer in
                MHD_suspend_connection(connection)
                answer.suspended = true
            }
            let logger = core.logger
            Task {
                do {
                    responder.respond(try await handle(request))
                } catch let error as HTTPError {
                    responder.respond(error.response)
                } catch {
                    logger.error(
                        "handler failed",
                        metadata: ["path": "\(request.path)", "error": "\(String(describing: error))"])
                    responder.respond(HTTPError.internalServerError("internal error: \(error)").response)
                }
            }
        }
        return .YES
    }
}

/// Whether the request may go on, from its head: the client certificate (mutual TLS), then the admission check.
private func refusal(
    _ connection: OpaquePointer, core: ServerCore, context: RequestContext, route: String?
) -> HTTPResponse? {
    if core.configuration.tls?.clientCAPEM != nil {
        let status = failoverd_mhd_verify_client_certificate(connection)
        if status != 0 {
            core.onRefusal?(.clientCertificate)
            let message =
                status == 3
                ? "the client certificate is not signed by a trusted CA (or has expired or been revoked)"
                : "a client certificate signed by the server's client CA is required"
            return HTTPError.forbidden(message, reason: "client_certificate_required").response
        }
    }
    guard let admission = core.admission else { return nil }
    let head = HTTPRequestHead(
        method: context.method, path: context.path, route: route,
        headers: HTTPHeaders(collect(connection, .HEADER_KIND)), remoteAddress: clientAddress(connection))
    return admission(head)
}

private func connectionKey(_ connection: OpaquePointer) -> UInt {
    UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection)))
}

private let acceptHandler: failoverd_mhd_accept_callback = { closure, address in
    guard let closure else { return 1 }
    let core = Unmanaged<ServerCore>.fromOpaque(closure).takeUnretainedValue()
    let text = address.map { String(cString: $0) } ?? ""
    let refused = core.connections.withLock { table in
        table.admits(
            text, limit: core.configuration.connectionLimit,
            perAddressLimit: core.configuration.perAddressConnectionLimit)
    }
    guard let refused else { return 1 }
    core.onRefusal?(refused)
    return 0
}

private let connectionHandler: failoverd_mhd_connection_callback = { closure, connection, address, socket, started in
    guard let closure, let connection else { return }
    let core = Unmanaged<ServerCore>.fromOpaque(closure).takeUnretainedValue()
    let key = connectionKey(connection)
    if started != 0 {
        let text = address.map { String(cString: $0) } ?? ""
        let deadline = core.requestDeadline()
        core.connections.withLock { $0.opened(key, socket: socket, address: text, deadline: deadline) }
    } else {
        core.connections.withLock { $0.closed(key) }
    }
}

private let completedHandler: MHD_RequestCompletedCallback = { closure, connection, requestContext, _ in
    guard let closure, let requestContext, let existing = requestContext.pointee else { return }
    let core = Unmanaged<ServerCore>.fromOpaque(closure).takeUnretainedValue()
    if let connection {
        // The next request on a keep-alive connection has its own time.
        let deadline = core.keepAliveDeadline()
        core.connections.withLock { $0.setDeadline(connectionKey(connection), deadline) }
    }
    Unmanaged<RequestContext>.fromOpaque(existing).release()
    requestContext.pointee = nil
    core.inFlight.withLock { $0 -= 1 }
}

private let logHandler: failoverd_mhd_log_callback = { closure, message in
    guard let closure, let message else { return }
    let core = Unmanaged<ServerCore>.fromOpaque(closure).takeUnretainedValue()
    let text = String(cString: message)
    // Limits libmicrohttpd enforces itself, before any callback of ours sees the request.
    if text.hasPrefix("Server reached connection limit") {
        core.onRefusal?(.connectionsTotal)
    } else if text.contains("HTTP response code is 431") || text.contains("HTTP response code is 414") {
        core.onRefusal?(.headerSize)
    }
    core.logger.warning("libmicrohttpd: \(text)")
}

private func queue(
    _ response: HTTPResponse, on connection: OpaquePointer, core: ServerCore, context: RequestContext
) -> MHD_Result {
    let handle: OpaquePointer?
    if let producer = response.producer {
        handle = streamingResponse(producer, connection: connection, core: core)
    } else {
        handle = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
    }
    guard let handle else { return .NO }
    defer { MHD_destroy_response(handle) }
    for (name, value) in response.headers {
        _ = MHD_add_response_header(handle, name, value)
    }
    let result = MHD_queue_response(connection, UInt32(response.status), handle)
    core.onResponse?(
        RequestSummary(
            method: context.method, route: context.route, status: response.status,
            duration: ContinuousClock.now - context.started))
    return result
}

/// A chunked response read from an ``HTTPBodyWriter`` that the producer fills from a task.
private func streamingResponse(
    _ producer: @escaping @Sendable (HTTPBodyWriter) async throws -> Void, connection: OpaquePointer,
    core: ServerCore
) -> OpaquePointer? {
    let writer = HTTPBodyWriter(bufferLimit: 256 * 1024, connection: connection, core: core)
    let connectionAddress = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(connection)))
    let stream = StreamBox(writer: writer, connectionAddress: connectionAddress)
    let handle = MHD_create_response_from_callback(
        UInt64.max, 32 * 1024,
        { closure, _, buffer, max in
            guard let closure, let buffer else { return -2 }
            let stream = Unmanaged<StreamBox>.fromOpaque(closure).takeUnretainedValue()
            guard let connection = OpaquePointer(bitPattern: stream.connectionAddress) else { return -2 }
            return stream.writer.read(
                into: UnsafeMutableRawBufferPointer(start: buffer, count: max), connection: connection)
        },
        Unmanaged.passRetained(stream).toOpaque(),
        { closure in
            guard let closure else { return }
            let stream = Unmanaged<StreamBox>.fromOpaque(closure).takeRetainedValue()
            stream.writer.close()
        })
    guard handle != nil else {
        writer.close()
        return nil
    }
    let logger = core.logger
    Task {
        do {
            try await producer(writer)
            writer.finish(failed: false)
        } catch is HTTPBodyWriter.Closed {
            writer.finish(failed: true)
        } catch {
            logger.error("streaming a response failed", metadata: ["error": "\(error)"])
            writer.finish(failed: true)
        }
    }
    return handle
}

/// What the content-reader callbacks of a streamed response hold.
private final class StreamBox: Sendable {
    let writer: HTTPBodyWriter
    let connectionAddress: UInt
    init(writer: HTTPBodyWriter, connectionAddress: UInt) {
        self.writer = writer
        self.connectionAddress = connectionAddress
    }
}

private func lookupHeader(_ connection: OpaquePointer, _ name: String) -> String? {
    MHD_lookup_connection_value(connection, .HEADER_KIND, name).map { String(cString: $0) }
}

private final class ValueCollector {
    var values: [(name: String, value: String)] = []
}

private func collect(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [(name: String, value: String)] {
    let collector = ValueCollector()
    withExtendedLifetime(collector) {
        _ = MHD_get_connection_values(
            connection, kind,
            { closure, _, key, value in
                guard let closure, let key else { return .YES }
                let collector = Unmanaged<ValueCollector>.fromOpaque(closure).takeUnretainedValue()
                collector.values.append((String(cString: key), value.map { String(cString: $0) } ?? ""))
                return .YES
            }, Unmanaged.passUnretained(collector).toOpaque())
    }
    return collector.values
}

private func clientAddress(_ connection: OpaquePointer) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    let status = buffer.withUnsafeMutableBufferPointer {
        failoverd_mhd_client_address(connection, $0.baseAddress, $0.count)
    }
    guard status == 0 else { return "" }
    return String(decoding: buffer.prefix { $0 != 0 }.map(UInt8.init), as: UTF8.self)
}

extension HTTPHeaders {
    init(_ pairs: [(name: String, value: String)]) {
        self.init()
        for pair in pairs { add(name: pair.name, value: pair.value) }
    }
}
