import FailoverHTTPClient
import Foundation

/// How a provider's API words its errors and scopes.
enum ProviderDialect: Sendable {
    case linode
    case digitalOcean

    /// The provider's own error text from an error body, or `nil` when the body is not its JSON error shape.
    func errorMessage(in body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        let data = Data(body)
        switch self {
        case .linode:
            guard let envelope = try? JSONDecoder().decode(LinodeErrorEnvelope.self, from: data) else { return nil }
            let reasons = envelope.errors.map { error -> String in
                let reason = error.reason ?? "unspecified error"
                guard let field = error.field, !field.isEmpty else { return reason }
                return "\(field): \(reason)"
            }
            return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
        case .digitalOcean:
            guard let error = try? JSONDecoder().decode(DigitalOceanError.self, from: data) else { return nil }
            return error.id.isEmpty ? error.message : "\(error.message) (\(error.id))"
        }
    }

    /// The scope a 403 answer says is needed (Linode's `X-Accepted-OAuth-Scopes`), or the documented one for
    /// the method (DigitalOcean's `domain:read/create/update/delete`).
    func neededScope(method: HTTPClientRequest.Method, headers: HTTPClientHeaders) -> String? {
        switch self {
        case .linode:
            if let accepted = headers["X-Accepted-OAuth-Scopes"], !accepted.isEmpty { return accepted }
            return method == .get ? "domains:read_only" : "domains:read_write"
        case .digitalOcean:
            switch method {
            case .get: return "domain:read"
            case .post: return "domain:create"
            case .delete: return "domain:delete"
            default: return "domain:update"
            }
        }
    }

    /// The header carrying the provider's request identifier.
    var requestIDHeader: String? {
        switch self {
        case .linode: nil
        case .digitalOcean: "x-request-id"
        }
    }
}
