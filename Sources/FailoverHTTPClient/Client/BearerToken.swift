/// An API token sent as `Authorization: Bearer`; it never prints.
///
/// `description`, `debugDescription`, string interpolation, `dump` and reflection of any value holding it all give
/// `<redacted>`, so a token cannot leak into a log line, an error message or an audit record by accident. Only
/// the transport reads ``secret``.
public struct BearerToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The token itself; read only to build the `Authorization` header.
    public let secret: String

    /// Wraps a token; surrounding whitespace (a trailing newline from a token file) is dropped.
    public init(_ secret: String) {
        var text = Substring(secret)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        self.secret = String(text)
    }

    /// Whether the token is empty.
    public var isEmpty: Bool { secret.isEmpty }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `BearerToken(<redacted>)`.
    public var debugDescription: String { "BearerToken(<redacted>)" }
    /// A mirror without children, so reflection never reaches ``secret``.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
