import FailoverCore

/// Why a DNS provider operation failed, in words an operator can act on.
///
/// Every message names the provider account and what was being done. No message contains the API token.
public struct DNSProviderError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case unknownZone, badToken, missingScope, validationFailed, rateLimited, unreachable, serverError
        case unexpectedResponse, notFound, verificationFailed, invalidRequest, outcomeUnknown, configuration
    }

    private let code: Code
    /// What went wrong and what to do, for the operator.
    public let message: String
    /// The HTTP status of the answer that decided the failure, when there was one.
    public let status: Int?
    /// The provider's own error text (Linode `reason`s, DigitalOcean `message`), when it sent one.
    public let providerMessage: String?
    /// HTTP attempts made for the failing request, the first included.
    public let attempts: Int
    /// The provider's request identifier of the failing answer (DigitalOcean `x-request-id`), when present.
    public let requestID: String?
    /// When a set failed after it had read the records: what was there, what was planned and which writes were
    /// already applied (a round-robin set whose second write was refused), with every request id.
    public internal(set) var progress: DNSChangeProgress?

    private init(
        _ code: Code, _ message: String, status: Int? = nil, providerMessage: String? = nil, attempts: Int = 1,
        requestID: String? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.providerMessage = providerMessage
        self.attempts = attempts
        self.requestID = requestID
    }

    /// The zone is not in the account (Linode: empty filtered list; DigitalOcean: 404).
    public static func unknownZone(account: String, zone: String) -> Self {
        .init(
            .unknownZone,
            "\(account): zone \(zone) does not exist in this account; check the zone name and the account's token",
            status: nil)
    }
    /// 401: the token was rejected.
    public static func badToken(account: String, providerMessage: String?, tokenSource: String?) -> Self {
        let source = tokenSource.map { " (read from \($0))" } ?? ""
        return .init(
            .badToken,
            "\(account): the API token\(source) was rejected (401\(providerMessage.map { ": \($0)" } ?? ""));"
                + " it is wrong, expired or revoked",
            status: 401, providerMessage: providerMessage)
    }
    /// 403: the token is valid but lacks a scope.
    public static func missingScope(
        account: String, needed: String?, providerMessage: String?, action: String
    )
        -> Self
    {
        let scope = needed.map { "; it needs the scope \($0)" } ?? "; grant it read/write access to DNS"
        return .init(
            .missingScope, "\(account): the API token may not \(action) (403)\(scope)", status: 403,
            providerMessage: providerMessage)
    }
    /// 400/422: the provider refused the request's content; its message says why.
    public static func validationFailed(
        account: String, action: String, status: Int, providerMessage: String
    )
        -> Self
    {
        .init(
            .validationFailed, "\(account): the provider refused to \(action) (\(status)): \(providerMessage)",
            status: status, providerMessage: providerMessage)
    }
    /// 429 until the retry budget ran out.
    public static func rateLimited(account: String, action: String, attempts: Int, retryAfter: String?) -> Self {
        let wait = retryAfter.map { "; the provider asks to wait \($0) s" } ?? ""
        return .init(
            .rateLimited,
            "\(account): rate-limited while trying to \(action), gave up after \(attempts) attempts\(wait)",
            status: 429, attempts: attempts)
    }
    /// No answer: connection refused, name not resolved, timeouts, resets, TLS failure.
    public static func unreachable(account: String, action: String, attempts: Int, detail: String) -> Self {
        .init(
            .unreachable,
            "\(account): could not reach the provider to \(action) after \(attempts) attempt"
                + "\(attempts == 1 ? "" : "s"): \(detail)", attempts: attempts)
    }
    /// 5xx until the retry budget ran out.
    public static func serverError(
        account: String, action: String, status: Int, attempts: Int, providerMessage: String?, requestID: String?
    ) -> Self {
        .init(
            .serverError,
            "\(account): the provider failed to \(action) (\(status)) after \(attempts) attempt"
                + "\(attempts == 1 ? "" : "s")\(providerMessage.map { ": \($0)" } ?? "")",
            status: status, providerMessage: providerMessage, attempts: attempts, requestID: requestID)
    }
    /// An answer failed to decode or had an unexpected status (an HTML page from a load balancer, say).
    public static func unexpectedResponse(
        account: String, action: String, status: Int, bodyPrefix: String, attempts: Int = 1
    ) -> Self {
        .init(
            .unexpectedResponse,
            "\(account): unexpected answer to \(action): status \(status), body starts with: \(bodyPrefix)",
            status: status, attempts: attempts)
    }
    /// 404 on something other than the zone.
    public static func notFound(account: String, what: String, providerMessage: String?) -> Self {
        .init(
            .notFound, "\(account): \(what) was not found (404)\(providerMessage.map { ": \($0)" } ?? "")",
            status: 404, providerMessage: providerMessage)
    }
    /// The records read back after the change are not the desired state.
    public static func verificationFailed(account: String, owner: String, expected: String, found: String) -> Self {
        .init(
            .verificationFailed,
            "\(account): after the change \(owner) holds \(found), expected \(expected); the change is incomplete")
    }
    /// The request itself is wrong before anything is sent (bad name, desired state not valid for the type).
    public static func invalidRequest(account: String, _ detail: String) -> Self {
        .init(.invalidRequest, "\(account): \(detail)")
    }
    /// A create's answer was lost: it may or may not have been applied, and re-reading did not settle it.
    public static func outcomeUnknown(account: String, action: String, detail: String) -> Self {
        .init(.outcomeUnknown, "\(account): the outcome of \(action) is unknown: \(detail)")
    }
    /// The provider account's configuration is unusable (empty token, bad base URL).
    public static func configuration(account: String, _ detail: String) -> Self {
        .init(.configuration, "\(account): \(detail)")
    }

    /// Whether the zone does not exist.
    public var isUnknownZone: Bool { code == .unknownZone }
    /// Whether the token was rejected (401).
    public var isBadToken: Bool { code == .badToken }
    /// Whether the token lacks a scope (403).
    public var isMissingScope: Bool { code == .missingScope }
    /// Whether the provider refused the content (400/422).
    public var isValidationFailure: Bool { code == .validationFailed }
    /// Whether retries ran out on 429.
    public var isRateLimited: Bool { code == .rateLimited }
    /// Whether the provider could not be reached.
    public var isUnreachable: Bool { code == .unreachable }
    /// Whether retries ran out on 5xx.
    public var isServerError: Bool { code == .serverError }
    /// Whether an answer could not be understood.
    public var isUnexpectedResponse: Bool { code == .unexpectedResponse }
    /// Whether something other than the zone was not found.
    public var isNotFound: Bool { code == .notFound }
    /// Whether the read-back did not match.
    public var isVerificationFailure: Bool { code == .verificationFailed }
    /// Whether the request was refused before sending.
    public var isInvalidRequest: Bool { code == .invalidRequest }
    /// Whether the configuration is unusable.
    public var isConfigurationError: Bool { code == .configuration }

    /// The message.
    public var description: String { message }
}

extension DNSProviderError {
    /// Whether a write's answer was lost so that it may or may not have been applied.
    public var isOutcomeUnknown: Bool { code == .outcomeUnknown }
}

/// How far a failed set got: the state it read, its plan, and the writes the provider acknowledged.
public struct DNSChangeProgress: Sendable, Hashable {
    /// The records before the change.
    public var before: [DNSRecord]
    /// The writes planned, in order.
    public var planned: [DNSChangeOperation]
    /// The writes the provider acknowledged before the failure.
    public var applied: [DNSChangeOperation]
    /// Request ids of every call, in order.
    public var requestIDs: [String]
    /// HTTP requests made, retries included.
    public var requestCount: Int
}
