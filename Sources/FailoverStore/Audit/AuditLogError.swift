/// A failure of the audit log that is not a plain database error.
public struct AuditLogError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case unreadableTail
    }

    private let code: Code
    /// What failed, for the operator.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The stored event a new one must link to has no valid hash (it is not 32 bytes).
    static func unreadableTail(id: Int64) -> Self {
        .init(.unreadableTail, "the audit log's last event \(id) has no valid hash; run audit verify")
    }

    public var description: String { message }
}
