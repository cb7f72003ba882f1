/// Text that is not an anchor: `ID:HASH` with a positive id and 64 hex digits, or a bare `ID`.
public struct AuditAnchorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text given.
    public let text: String

    /// Describes bad anchor text.
    public init(text: String) {
        self.text = text
    }

    /// What is wrong, for the operator.
    public var message: String {
        "anchor \"\(text.prefix(100))\" is not ID:HASH (a positive event id, a colon, 64 hex digits) or ID"
    }

    public var description: String { message }
}
