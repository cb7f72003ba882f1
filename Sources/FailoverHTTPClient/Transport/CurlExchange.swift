import CCurl
import Synchronization

/// One libcurl exchange: owns the easy handle's options and collects the answer through the C callbacks.
///
/// ``run(_:configuration:)`` and the callbacks run on the exchange's own thread only; ``cancel()`` may be called
/// from any thread and only sets an atomic flag the progress callback reads.
final class CurlExchange: @unchecked Sendable {
    private let cancelled = Atomic<Bool>(false)
    private let limit: Int
    private var body: [UInt8] = []
    private var headers = HTTPClientHeaders()
    private var bodyExceededLimit = false

    init(limit: Int) { self.limit = limit }

    /// Asks the running exchange to stop; libcurl aborts it at its next progress check (about once a second at
    /// worst, usually at once).
    func cancel() { cancelled.store(true, ordering: .relaxed) }

    fileprivate var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    func run(
        _ request: HTTPClientRequest, configuration: HTTPClientConfiguration
    )
        -> Result<HTTPClientResponse, HTTPClientError>
    {
        guard let handle = failoverd_curl_easy_init() else {
            return .failure(.transport("\(request): libcurl could not create a handle", requestMayHaveBeenSent: false))
        }
        defer { failoverd_curl_easy_cleanup(handle) }

        var fields: UnsafeMutablePointer<curl_slist>?
        defer { failoverd_curl_slist_free_all(fields) }
        var headerLines = ["Expect:", "User-Agent: \(configuration.userAgent)"]
        if let token = request.bearerToken { headerLines.append("Authorization: Bearer \(token.secret)") }
        for field in request.headers
        where !HTTPClientHeaders.sameName(field.name, "Authorization")
            && !HTTPClientHeaders.sameName(field.name, "User-Agent")
        {
            headerLines.append("\(field.name): \(field.value)")
        }
        for line in headerLines { fields = failoverd_curl_slist_append(fields, line) }

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let context = Unmanaged.passUnretained(self).toOpaque()
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errorPointer in
            var setup = CURLE_OK
            func set(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }
            set(failoverd_curl_setopt_string(handle, CURLOPT_URL, request.url))
            set(failoverd_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set(failoverd_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
            set(failoverd_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
            set(failoverd_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
            set(failoverd_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
            if let caFile = configuration.caFile { set(failoverd_curl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
            set(failoverd_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMillis))
            set(failoverd_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, configuration.requestTimeout.curlMillis))
            set(failoverd_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, fields))
            set(failoverd_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorPointer.baseAddress))
            set(failoverd_curl_setopt_write_function(handle, curlWriteBody))
            set(failoverd_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
            set(failoverd_curl_setopt_header_function(handle, curlWriteHeader))
            set(failoverd_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
            set(failoverd_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
            set(failoverd_curl_setopt_xferinfo_function(handle, curlProgress))
            set(failoverd_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context))
            if let body = request.body {
                set(failoverd_curl_setopt_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
                body.withUnsafeBytes { bytes in
                    set(
                        failoverd_curl_setopt_pointer(
                            handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress)))
                }
                set(failoverd_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
            } else if request.method == .get {
                set(failoverd_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
            } else {
                set(failoverd_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
            }
            guard setup == CURLE_OK else { return setup }
            return failoverd_curl_easy_perform(handle)
        }

        if code == CURLE_OK {
            var status = 0
            _ = failoverd_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return .success(HTTPClientResponse(status: status, headers: headers, body: body))
        }
        var requestSize = 0
        _ = failoverd_curl_getinfo_long(handle, CURLINFO_REQUEST_SIZE, &requestSize)
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let reason = detail.isEmpty ? String(cString: failoverd_curl_easy_strerror(code)) : detail
        return .failure(classify(code, reason: "\(request): \(reason)", sent: requestSize > 0, request: request))
    }

    private func classify(
        _ code: CURLcode, reason: String, sent: Bool, request: HTTPClientRequest
    )
        -> HTTPClientError
    {
        switch code {
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled(request.description)
        case CURLE_WRITE_ERROR where bodyExceededLimit:
            return .responseTooLarge(limit: limit, request: request.description)
        case CURLE_OPERATION_TIMEDOUT:
            return sent ? .timedOut(reason, requestMayHaveBeenSent: true) : .connectionFailed(reason)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectionFailed(reason)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM:
            return sent ? .connectionLost(reason) : .connectionFailed(reason)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ISSUER_ERROR:
            return .tls(reason)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION:
            return .invalidRequest(reason)
        default:
            return .transport(reason, requestMayHaveBeenSent: sent)
        }
    }

    fileprivate func appendBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard body.count + bytes.count <= limit else {
            bodyExceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    fileprivate func appendHeaderLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            headers = HTTPClientHeaders()  // a new response (after 100 Continue): drop the interim one's fields
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingCharacters(in: " \t")
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t\r\n")
        guard !name.isEmpty else { return }
        headers.add(name: name, value: value)
    }
}

private let curlWriteBody: failoverd_curl_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    let exchange = Unmanaged<CurlExchange>.fromOpaque(context).takeUnretainedValue()
    let total = size * count
    guard total > 0, let data else { return total }
    let accepted = data.withMemoryRebound(to: UInt8.self, capacity: total) { bytes in
        exchange.appendBody(UnsafeBufferPointer(start: bytes, count: total))
    }
    return accepted ? total : 0
}

private let curlProgress: failoverd_curl_progress_callback = { context, _, _, _, _ in
    guard let context else { return 0 }
    return Unmanaged<CurlExchange>.fromOpaque(context).takeUnretainedValue().isCancelled ? 1 : 0
}

private let curlWriteHeader: failoverd_curl_data_callback = { data, size, count, context in
    guard let context else { return 0 }
    let exchange = Unmanaged<CurlExchange>.fromOpaque(context).takeUnretainedValue()
    let total = size * count
    guard total > 0, let data else { return total }
    let line = data.withMemoryRebound(to: UInt8.self, capacity: total) { bytes in
        String(decoding: UnsafeBufferPointer(start: bytes, count: total), as: UTF8.self)
    }
    exchange.appendHeaderLine(line)
    return total
}

extension Duration {
    /// Milliseconds for a libcurl `long` option, at least 1 so that a tiny value never means "no timeout".
    var curlMillis: Int { Int(max(1, milliseconds)) }
}
