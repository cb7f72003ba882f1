/// Why a regex is not accepted: not RE2 syntax, or RE2 syntax the matching engine would read differently.
struct RE2SyntaxError: Error, Sendable, Hashable {
    /// 0-based offset, in Unicode scalars, into the regex source.
    var offset: Int
    /// What is wrong, without the `regex:` prefix the matcher adds.
    var message: String
}
