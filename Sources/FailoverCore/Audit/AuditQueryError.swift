/// A query parameter of the audit API or CLI that cannot be used; the message names the parameter and what it
/// accepts, ready for a 400 body or a CLI error line.
public struct AuditQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case invalidValue
        case unknownParameter
        case repeatedParameter
        case emptyRange
    }

    private let code: Code
    /// The offending parameter's name.
    public let parameter: String
    /// What is wrong and what is accepted.
    public let message: String

    private init(_ code: Code, parameter: String, _ message: String) {
        self.code = code
        self.parameter = parameter
        self.message = message
    }

    /// The value does not parse; `accepted` says what would.
    public static func invalidValue(_ parameter: String, value: String, accepted: String) -> Self {
        .init(.invalidValue, parameter: parameter, "\(parameter): '\(value.prefix(100))' is not valid: \(accepted)")
    }

    /// A parameter this query does not know.
    public static func unknownParameter(_ parameter: String, known: [String]) -> Self {
        .init(
            .unknownParameter, parameter: parameter,
            "\(parameter.prefix(100)): unknown parameter; accepted: \(known.joined(separator: ", "))")
    }

    /// A parameter given more than once.
    public static func repeatedParameter(_ parameter: String) -> Self {
        .init(.repeatedParameter, parameter: parameter, "\(parameter): given more than once; give it once")
    }

    /// `since` is not before `until`.
    public static func emptyRange(since: String, until: String) -> Self {
        .init(.emptyRange, parameter: "since", "since: '\(since)' must be before until '\(until)'")
    }

    public var description: String { message }
}
