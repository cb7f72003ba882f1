import Crypto
import FailoverHTTPServer
import Foundation

/// Checks the `Authorization` header against configured credentials, in constant time.
///
/// Either a bearer token or basic-auth credentials admit a caller; with neither configured every caller is
/// admitted (the endpoint is open). Secrets are kept only as SHA-256 digests, which also makes the comparison
/// independent of the secret's length; swift-crypto compares a digest with bytes in constant time. Every check
/// hashes and compares as much whatever was sent: a bearer token is compared with the configured token (or with a
/// digest of nothing when only basic auth is configured), user name and password are both compared.
///
/// Nothing a caller sent is ever repeated in an answer or a log line: a header without a scheme word may be the
/// secret itself.
public struct CallerAuthenticator: Sendable {
    /// What a check found.
    public enum Verdict: Sendable, Equatable {
        /// Admitted; who (`bearer`, `basic:USER`), `nil` when the door is open.
        case admitted(String?)
        /// No `Authorization` header.
        case missing
        /// A scheme this door does not take (or no scheme word at all).
        case unsupportedScheme
        /// The right scheme with wrong credentials.
        case invalid

        /// The metric label of a refusal (`missing`, `unsupported_scheme`, `invalid`), `nil` when admitted.
        public var failureReason: String? {
            switch self {
            case .admitted: nil
            case .missing: "missing"
            case .unsupportedScheme: "unsupported_scheme"
            case .invalid: "invalid"
            }
        }
    }

    private let bearerDigest: [UInt8]?
    private let basicUsername: String?
    private let basicUserDigest: [UInt8]?
    private let basicPasswordDigest: [UInt8]?
    private let realm: String
    /// Compared against when the scheme has no configured secret, so that both paths cost the same.
    private static let nothing = Array(SHA256.hash(data: [UInt8]()))

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

    /// Checks an `Authorization` header value (`nil` when absent).
    public func verdict(_ header: String?) -> Verdict {
        guard !isOpen else { return .admitted(nil) }
        guard let header else { return .missing }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        // A header of one word has no scheme: the word may be a secret, and is only ever compared.
        let scheme = parts.count > 1 ? parts[0].lowercased() : ""
        let credentials = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        switch scheme {
        case "bearer" where bearerDigest != nil:
            return SHA256.hash(data: Array(credentials.utf8)) == bearerDigest! ? .admitted("bearer") : .invalid
        case "basic" where basicPasswordDigest != nil:
            var user: [UInt8] = []
            var password: [UInt8] = []
            var wellFormed = false
            if let decoded = Data(base64Encoded: credentials), let colon = decoded.firstIndex(of: UInt8(ascii: ":")) {
                user = Array(decoded[..<colon])
                password = Array(decoded[decoded.index(after: colon)...])
                wellFormed = String(validating: decoded, as: UTF8.self) != nil
            }
            // Both comparisons always run, so timing does not tell which one failed.
            let userMatches = SHA256.hash(data: user) == basicUserDigest!
            let passwordMatches = SHA256.hash(data: password) == basicPasswordDigest!
            return wellFormed && userMatches && passwordMatches ? .admitted("basic:\(basicUsername!)") : .invalid
        default:
            // As much hashing as a wrong bearer token, so an unknown scheme does not answer faster.
            _ = SHA256.hash(data: Array(credentials.utf8)) == (bearerDigest ?? Self.nothing)
            return .unsupportedScheme
        }
    }

    /// Admits or refuses a request. Returns who was admitted (`bearer`, `basic:USER`), `nil` when open.
    public func authenticate(_ request: HTTPRequest) throws(HTTPError) -> String? {
        let verdict = verdict(request.headers["Authorization"])
        if case .admitted(let caller) = verdict { return caller }
        throw refusal(verdict)
    }

    /// The 401 for a verdict that is not an admission; it never repeats what the caller sent.
    func refusal(_ verdict: Verdict) -> HTTPError {
        switch verdict {
        case .missing:
            .unauthorized("authentication required: send \(acceptedSchemes)", challenge: challenge)
        case .unsupportedScheme:
            .unauthorized(
                "unsupported authorization scheme (expected \"Authorization: SCHEME CREDENTIALS\"): send "
                    + acceptedSchemes, challenge: challenge)
        case .invalid, .admitted:
            .unauthorized("invalid credentials", challenge: challenge)
        }
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
