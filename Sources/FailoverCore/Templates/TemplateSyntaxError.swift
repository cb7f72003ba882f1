/// Why a runbook template was rejected, and where in its text.
public struct TemplateSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 0-based offset in the template text, in Unicode scalars (code points, as YAML parsers count columns):
    /// the `{{` of an unterminated or empty placeholder, otherwise the first character that is wrong.
    public var offset: Int
    /// What is wrong, such as `unknown template variable foo; known: labels.NAME, annotations.NAME, runbook,
    /// execution_id, incident_id, kind`.
    public var message: String

    /// Creates an error.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `offset N: MESSAGE`.
    public var description: String { "offset \(offset): \(message)" }
}
