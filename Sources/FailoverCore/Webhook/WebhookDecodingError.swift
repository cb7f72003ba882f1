/// Why a request body is not an Alertmanager v4 webhook; `message` is meant for the sender.
public struct WebhookDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case malformedJSON
        case notVersion4
        case invalidField
    }

    private let code: Code
    /// What is wrong, naming the field where there is one.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The body is not JSON, or not a JSON object.
    public static func malformedJSON(_ detail: String) -> Self { .init(.malformedJSON, "malformed JSON: \(detail)") }
    /// The body is JSON but not of the version 4 contract (no `version: "4"`, no `alerts`).
    public static func notVersion4(_ detail: String) -> Self {
        .init(.notVersion4, "not an Alertmanager v4 webhook: \(detail)")
    }
    /// A field of the contract is missing or has the wrong type or form.
    public static func invalidField(_ path: String, _ detail: String) -> Self {
        .init(.invalidField, "\(path): \(detail)")
    }

    /// Short machine-readable kind: `malformed_json`, `not_a_v4_webhook` or `invalid_field`.
    public var kind: String {
        switch code {
        case .malformedJSON: "malformed_json"
        case .notVersion4: "not_a_v4_webhook"
        case .invalidField: "invalid_field"
        }
    }

    public var description: String { message }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code && lhs.message == rhs.message }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }
}
