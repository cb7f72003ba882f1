/// Why a matcher such as `region=~"us-.*"` was rejected, and where in its text.
///
/// The configuration loader adds ``offset`` to the position of the matcher's string in the file to report
/// `file:line:column`.
public struct MatcherSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 0-based offset in the matcher text where the problem is, counted in Unicode scalars (code points), as
    /// YAML parsers count columns. For ``AlertMatcher/init(name:op:value:)``, the offset is 0 for a bad name and
    /// counts in the value for a bad regex.
    public var offset: Int
    /// What is wrong: `unterminated quoted value`, or for a regex, with the `regex:` prefix,
    /// `regex: lookahead (?=...) is not supported by Alertmanager's RE2 syntax`.
    public var message: String

    /// Creates an error.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `offset N: MESSAGE`.
    public var description: String { "offset \(offset): \(message)" }
}
