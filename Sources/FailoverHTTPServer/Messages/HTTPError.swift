import FailoverCore

/// An error that a handler throws to answer with a status code and a JSON body saying what is wrong.
///
/// The body is `{"error": "<reason>", "message": "<text>"}`; `reason` is a stable machine-readable word.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case badRequest, unauthorized, forbidden, notFound, methodNotAllowed, conflict, payloadTooLarge
        case unsupportedMediaType, tooManyRequests, serviceUnavailable, internalServerError

        var status: Int {
            switch self {
            case .badRequest: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .methodNotAllowed: 405
            case .conflict: 409
            case .payloadTooLarge: 413
            case .unsupportedMediaType: 415
            case .tooManyRequests: 429
            case .serviceUnavailable: 503
            case .internalServerError: 500
            }
        }

        var defaultReason: String {
            switch self {
            case .badRequest: "bad_request"
            case .unauthorized: "unauthorized"
            case .forbidden: "forbidden"
            case .notFound: "not_found"
            case .methodNotAllowed: "method_not_allowed"
            case .conflict: "conflict"
            case .payloadTooLarge: "payload_too_large"
            case .unsupportedMediaType: "unsupported_media_type"
            case .tooManyRequests: "too_many_requests"
            case .serviceUnavailable: "service_unavailable"
            case .internalServerError: "internal_error"
            }
        }
    }

    private let code: Code
    /// Machine-readable reason, e.g. `malformed_json`.
    public let reason: String
    /// Human-readable explanation for the client.
    public let message: String
    /// Extra response headers (`Allow`, `WWW-Authenticate`, `Retry-After`).
    public let headers: HTTPHeaders

    private init(_ code: Code, reason: String?, message: String, headers: HTTPHeaders = [:]) {
        self.code = code
        self.reason = reason ?? code.defaultReason
        self.message = message
        self.headers = headers
    }

    /// The status code of the answer.
    public var status: Int { code.status }

    public var description: String { "\(status) \(reason): \(message)" }

    /// 400: the request is malformed.
    public static func badRequest(_ message: String, reason: String? = nil) -> Self {
        .init(.badRequest, reason: reason, message: message)
    }
    /// 401: credentials are missing or wrong; `challenge` goes into `WWW-Authenticate`.
    public static func unauthorized(_ message: String, challenge: String) -> Self {
        .init(.unauthorized, reason: nil, message: message, headers: ["WWW-Authenticate": challenge])
    }
    /// 403: the credentials are valid but do not grant this.
    public static func forbidden(_ message: String, reason: String? = nil) -> Self {
        .init(.forbidden, reason: reason, message: message)
    }
    /// 404: nothing at this path.
    public static func notFound(_ message: String) -> Self { .init(.notFound, reason: nil, message: message) }
    /// 405: the path exists, the method does not; `allowed` goes into `Allow`.
    public static func methodNotAllowed(_ method: HTTPMethod, path: String, allowed: [HTTPMethod]) -> Self {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        return .init(
            .methodNotAllowed, reason: nil, message: "\(method) is not allowed on \(path); allowed: \(list)",
            headers: ["Allow": list])
    }
    /// 413: the body is larger than the limit.
    public static func payloadTooLarge(limit: Int) -> Self {
        .init(.payloadTooLarge, reason: nil, message: "request body exceeds the limit of \(limit) bytes")
    }
    /// 415: the body's media type is not accepted.
    public static func unsupportedMediaType(_ message: String) -> Self {
        .init(.unsupportedMediaType, reason: nil, message: message)
    }
    /// 429: the caller must wait `retryAfterSeconds` (sent as `Retry-After`) before trying again.
    public static func tooManyRequests(_ message: String, reason: String? = nil, retryAfterSeconds: Int) -> Self {
        .init(
            .tooManyRequests, reason: reason, message: message,
            headers: ["Retry-After": String(max(1, retryAfterSeconds))])
    }
    /// 503: a transient fault of the service; the client should retry.
    public static func serviceUnavailable(
        _ message: String, reason: String? = nil, retryAfterSeconds: Int? = nil
    )
        -> Self
    {
        var headers: HTTPHeaders = [:]
        if let retryAfterSeconds { headers.add(name: "Retry-After", value: String(retryAfterSeconds)) }
        return .init(.serviceUnavailable, reason: reason, message: message, headers: headers)
    }
    /// 409: the resource's state forbids the action; the message says why.
    public static func conflict(_ message: String, reason: String? = nil) -> Self {
        .init(.conflict, reason: reason, message: message)
    }
    /// 500: a fault the service did not expect.
    public static func internalServerError(_ message: String) -> Self {
        .init(.internalServerError, reason: nil, message: message)
    }

    /// The JSON response for this error.
    public var response: HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers, body: Array(jsonBody.utf8))
        response.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        return response
    }

    private var jsonBody: String {
        "{\"error\":\(JSONText.quote(reason)),\"message\":\(JSONText.quote(message))}\n"
    }
}
