/// Why the service could not start.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case secret
        case storage
        case listen
    }

    private let code: Code
    /// What went wrong, for the operator.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A configured secret could not be read.
    public static func secret(_ message: String) -> Self { .init(.secret, message) }
    /// The state database could not be opened.
    public static func storage(_ message: String) -> Self { .init(.storage, message) }
    /// The HTTP server could not listen.
    public static func listen(_ message: String) -> Self { .init(.listen, message) }

    public var description: String { message }
}
