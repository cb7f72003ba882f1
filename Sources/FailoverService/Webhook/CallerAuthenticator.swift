import Crypto
import FailoverHTTPServer
import Foundation

/// Checks the `Authorization` header against configured credentials, in constant time.
///
/// Either a bearer token or basic-auth credentials admit a caller; with neither configured every caller is
/// admitted (the endpoint is open). Secrets are kept only as SHA-256 digests, which also makes the comparison
/// independent of the secret's length; swift-crypto compares a digest with bytes in constant time.
public struct CallerAuthenticator: Sendable {
    private let bearerDigest: [UInt8]?
    private let basicUsername: String?
    private let basicUserDigest: [UInt8]?
    private let basicPasswordDigest: [UInt8]?
    private let realm: String

    /// Creates an authenticator from resolved secrets; all `nil` means open.
    public init(bearerToken: String?, basicUsername: String?, basicPassword: String?, realm: String = "failoverd") {
        bearerDigest = bearerToken.map { Array(SHA256.hash(data: Array($0.utf8))) }
        if let basicUsername, let basicPassword {
            self.basicUsername = basicUsername
            basicUserDigest = Array(SHA256.hash(data: Array(basicUsername.utf8)))
            basicPasswordDigest = Array(SHA256.hash(data: Array(basicPassword.utf8)))
        } else {
            self.basicUsername = nil
            basicUserDigest = nil
            basicPasswordDigest = nil
        }
        self.realm = realm
    }

    /// An authenticator with no credentials: admits everyone.
    public static let open = CallerAuthenticator(bearerToken: nil, basicUsername: nil, basicPassword: nil)

    /// Whether no credential is required.
    public var isOpen: Bool { bearerDigest == nil && basicPasswordDigest == nil }

    /// Admits or refuses a request. Returns who was admitted (`bearer`, `basic:USER`), `nil` when open.
    public func authenticate(_ request: HTTPRequest) throws(HTTPError) -> String? {
        guard !isOpen else { return nil }
        guard let header = request.headers["Authorization"] else {
            throw .unauthorized("authentication required: send \(acceptedSchemes)", challenge: challenge)
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let scheme = parts.first.map { $0.lowercased() } ?? ""
        let credentials = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        switch scheme {
        case "bearer" where bearerDigest != nil:
            if SHA256.hash(data: Array(credentials.utf8)) == bearerDigest! { return "bearer" }
        case "basic" where basicPasswordDigest != nil:
            if let decoded = Data(base64Encoded: credentials), let text = String(data: decoded, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            {
                let user = SHA256.hash(data: Array(text[..<colon].utf8))
                let password = SHA256.hash(data: Array(text[text.index(after: colon)...].utf8))
                // Both comparisons always run, so timing does not tell which one failed.
                let userMatches = user == basicUserDigest!
                let passwordMatches = password == basicPasswordDigest!
                if userMatches && passwordMatches { return "basic:\(basicUsername!)" }
            }
        default:
            throw .unauthorized(
                "unsupported authorization scheme \"\(scheme)\": send \(acceptedSchemes)", challenge: challenge)
        }
        throw .unauthorized("invalid credentials", challenge: challenge)
    }

    private var acceptedSchemes: String {
        [bearerDigest != nil ? "a bearer token" : nil, basicPasswordDigest != nil ? "basic auth" : nil]
            .compactMap { $0 }.joined(separator: " or ")
    }

    private var challenge: String {
        [
            bearerDigest != nil ? "Bearer realm=\"\(realm)\"" : nil,
            basicPasswordDigest != nil ? "Basic realm=\"\(realm)\"" : nil,
        ]
        .compactMap { $0 }.joined(separator: ", ")
    }
}
