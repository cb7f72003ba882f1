import FailoverHTTPClient
import Foundation
import Logging

/// The HTTP side of a provider: builds authenticated JSON requests and turns failures into ``DNSProviderError``.
struct ProviderHTTP: Sendable {
    let account: String
    let dialect: ProviderDialect
    let client: HTTPClient
    let token: BearerToken
    let tokenSource: String?
    let logger: Logger

    /// Sends a request and returns its answer when the status is 2xx or in `accepting`; maps everything else.
    func send(
        _ method: HTTPClientRequest.Method, _ url: String, headers: HTTPClientHeaders = [:],
        body: (some Encodable & Sendable)? = nil as Never?, action: String, log: ProviderCallLog,
        accepting: Set<Int> = []
    ) async throws(DNSProviderError) -> HTTPClientResponse {
        var fields = headers
        fields.replaceOrAdd(name: "Accept", value: "application/json")
        var bytes: [UInt8]?
        if let body {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(body) else {
                throw .invalidRequest(account: account, "could not encode the request to \(action)")
            }
            bytes = Array(data)
            fields.replaceOrAdd(name: "Content-Type", value: "application/json")
        }
        let request = HTTPClientRequest(method: method, url: url, headers: fields, body: bytes, bearerToken: token)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request)
        } catch {
            log.record(requestID: nil, attempts: error.attempts)
            if method == .post, error.requestMayHaveBeenSent {
                throw .outcomeUnknown(account: account, action: action, detail: error.description)
            }
            throw .unreachable(account: account, action: action, attempts: error.attempts, detail: error.message)
        }
        let requestID = dialect.requestIDHeader.flatMap { response.headers[$0] }
        log.record(requestID: requestID, attempts: response.attempts)
        logger.debug(
            "provider answered",
            metadata: [
                "account": "\(account)", "request": "\(request)", "status": "\(response.status)",
                "attempts": "\(response.attempts)", "request_id": "\(requestID ?? "-")",
            ])
        if response.isSuccess || accepting.contains(response.status) { return response }
        throw failure(response, method: method, action: action, requestID: requestID)
    }

    /// Decodes a JSON answer; a body that does not decode is an ``DNSProviderError/unexpectedResponse``.
    func decode<Value: Decodable>(
        _ type: Value.Type, from response: HTTPClientResponse, action: String
    )
        throws(DNSProviderError) -> Value
    {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw .unexpectedResponse(
                account: account, action: action, status: response.status, bodyPrefix: response.bodyPrefix(),
                attempts: response.attempts)
        }
    }

    private func failure(
        _ response: HTTPClientResponse, method: HTTPClientRequest.Method, action: String, requestID: String?
    ) -> DNSProviderError {
        let providerMessage = response.looksLikeJSON ? dialect.errorMessage(in: response.body) : nil
        switch response.status {
        case 401:
            return .badToken(account: account, providerMessage: providerMessage, tokenSource: tokenSource)
        case 403:
            return .missingScope(
                account: account, needed: dialect.neededScope(method: method, headers: response.headers),
                providerMessage: providerMessage, action: action)
        case 429:
            return .rateLimited(
                account: account, action: action, attempts: response.attempts,
                retryAfter: response.headers["Retry-After"])
        case 404:
            return .notFound(account: account, what: action, providerMessage: providerMessage)
        case 400, 409, 422:
            guard let providerMessage else { break }
            return .validationFailed(
                account: account, action: action, status: response.status, providerMessage: providerMessage)
        case 500...599:
            if method == .post {
                return .outcomeUnknown(
                    account: account, action: action,
                    detail: "the provider answered \(response.status)\(providerMessage.map { ": \($0)" } ?? "")")
            }
            if providerMessage != nil || response.body.isEmpty {
                return .serverError(
                    account: account, action: action, status: response.status, attempts: response.attempts,
                    providerMessage: providerMessage, requestID: requestID)
            }
        default:
            break
        }
        return .unexpectedResponse(
            account: account, action: action, status: response.status, bodyPrefix: response.bodyPrefix(),
            attempts: response.attempts)
    }
}

extension String {
    /// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
    var queryEncoded: String {
        var out = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    /// The text without trailing slashes.
    var droppingTrailingSlashes: String {
        var text = self
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
