/// Why the HTTP server could not start.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case cannotListen
        case alreadyStarted
    }

    private let code: Code
    /// What went wrong, for the operator.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The address could not be resolved or bound.
    public static func cannotListen(_ message: String) -> Self { .init(.cannotListen, message) }
    /// `start()` was called twice.
    public static var alreadyStarted: Self { .init(.alreadyStarted, "the server is already started") }

    public var description: String { message }
}
