/// Why an HTTP exchange produced no usable response.
///
/// Messages name the method and URL, never a header, so no token can appear in them.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case invalidRequest, connectionFailed, timedOut, connectionLost, tls, responseTooLarge, transport
        case cancelled
    }

    private let code: Code
    /// What went wrong, for the operator.
    public let message: String
    /// Whether the request may have reached the server (false when no connection was made).
    public let requestMayHaveBeenSent: Bool
    /// How many attempts were made, the first included.
    public internal(set) var attempts: Int

    private init(_ code: Code, _ message: String, requestMayHaveBeenSent: Bool, attempts: Int = 1) {
        self.code = code
        self.message = message
        self.requestMayHaveBeenSent = requestMayHaveBeenSent
        self.attempts = attempts
    }

    /// The URL or options are unusable (malformed URL, unsupported scheme, unreadable CA file).
    public static func invalidRequest(_ message: String) -> Self {
        .init(.invalidRequest, message, requestMayHaveBeenSent: false)
    }
    /// No connection could be made (name resolution, refused, unreachable, connect timeout).
    public static func connectionFailed(_ message: String) -> Self {
        .init(.connectionFailed, message, requestMayHaveBeenSent: false)
    }
    /// The exchange did not finish within the request timeout.
    public static func timedOut(_ message: String, requestMayHaveBeenSent: Bool) -> Self {
        .init(.timedOut, message, requestMayHaveBeenSent: requestMayHaveBeenSent)
    }
    /// The connection closed or reset before a complete answer arrived.
    public static func connectionLost(_ message: String) -> Self {
        .init(.connectionLost, message, requestMayHaveBeenSent: true)
    }
    /// The TLS handshake or certificate verification failed.
    public static func tls(_ message: String) -> Self { .init(.tls, message, requestMayHaveBeenSent: false) }
    /// The response body exceeded the configured cap.
    public static func responseTooLarge(limit: Int, request: String) -> Self {
        .init(
            .responseTooLarge, "\(request): the response body exceeds the limit of \(limit) bytes",
            requestMayHaveBeenSent: true)
    }
    /// Another libcurl failure.
    public static func transport(_ message: String, requestMayHaveBeenSent: Bool) -> Self {
        .init(.transport, message, requestMayHaveBeenSent: requestMayHaveBeenSent)
    }
    /// The calling task was cancelled during the exchange or while waiting to retry.
    public static func cancelled(_ request: String) -> Self {
        .init(.cancelled, "\(request): cancelled", requestMayHaveBeenSent: true)
    }

    /// Whether the failure is transient (connection, timeout, reset) and worth another attempt.
    public var isTransient: Bool {
        switch code {
        case .connectionFailed, .timedOut, .connectionLost: true
        case .invalidRequest, .tls, .responseTooLarge, .transport, .cancelled: false
        }
    }

    /// Whether the failure is a timeout.
    public var isTimeout: Bool { code == .timedOut }
    /// Whether no connection could be made.
    public var isConnectionFailure: Bool { code == .connectionFailed }
    /// Whether the connection dropped mid-exchange.
    public var isConnectionLoss: Bool { code == .connectionLost }
    /// Whether the body exceeded the cap.
    public var isResponseTooLarge: Bool { code == .responseTooLarge }
    /// Whether the calling task was cancelled.
    public var isCancelled: Bool { code == .cancelled }
    /// Whether TLS failed.
    public var isTLSFailure: Bool { code == .tls }

    /// The message, with the attempt count when there was more than one.
    public var description: String { attempts > 1 ? "\(message) (after \(attempts) attempts)" : message }
}
