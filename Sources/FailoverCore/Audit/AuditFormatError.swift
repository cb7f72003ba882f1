/// Stored or transmitted audit data that cannot be read: a detail that is not a JSON object of the supported
/// kind, a hash that is not 64 hex digits.
public struct AuditFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case detail
        case hash
    }

    private let code: Code
    /// What is wrong, for the operator.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The detail text is not a JSON object that ``AuditValue`` can hold.
    public static func detail(_ reason: String) -> Self { .init(.detail, "audit detail is not readable: \(reason)") }

    /// The text is not a SHA-256 hash in hex.
    public static func hash(_ text: String) -> Self {
        .init(.hash, "not a SHA-256 hash (64 hex digits): \(text.prefix(80))")
    }

    public var description: String { message }
}
