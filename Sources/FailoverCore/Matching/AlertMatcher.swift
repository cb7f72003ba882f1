/// One Alertmanager label matcher: `name="value"`, `name!="value"`, `name=~"regex"` or `name!~"regex"`.
///
/// Parsed and compiled once (at configuration load); ``matches(_:)`` is then cheap and safe to call from many
/// threads at once. The semantics are Alertmanager's: a missing label matches as the empty string, values compare
/// by their Unicode scalars (not Swift's canonical equivalence), and a regex must match the whole value, as
/// Alertmanager compiles it as `^(?:regex)$`. Regexes are RE2 syntax (Go's `regexp`); constructs RE2 does not
/// have, or that the engine here would read differently, are rejected when parsing.
public struct AlertMatcher: Sendable, Hashable, CustomStringConvertible {
    /// How the label value is compared.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        /// `=`: the value equals the text.
        case equal = "="
        /// `!=`: the value differs from the text.
        case notEqual = "!="
        /// `=~`: the whole value matches the regex.
        case matchesRegex = "=~"
        /// `!~`: the whole value does not match the regex.
        case notMatchesRegex = "!~"
    }

    /// The label name, `[a-zA-Z_][a-zA-Z0-9_]*`.
    public let name: String
    /// The comparison.
    public let op: Operator
    /// The unescaped value: the text compared, or the regex source for `=~` and `!~`.
    public let value: String

    /// The compiled regex, for `=~` and `!~`.
    private let pattern: LabelValuePattern?
    /// `value` as UTF-8, for `=` and `!=`.
    private let valueBytes: [UInt8]

    /// Parses a matcher as written in a runbook's `match:` list: `alertname="PrimaryRegionUnhealthy"`,
    /// `region=~"us-.*"`, `severity = critical`.
    ///
    /// Whitespace may surround the name, the operator and the value. A quoted value takes Go's string escapes
    /// (`\"`, `\\`, `\n`, `\t`, `\x41`, `\u00e9`, ...); an unquoted value (`severity=critical`, as Alertmanager's
    /// classic parser accepts) is a run of characters other than whitespace and `{}!=~,\"'` and the backtick.
    /// One matcher per string: a comma or anything else after the value is an error.
    /// - Throws: ``MatcherSyntaxError`` with the offset of the problem in `text`.
    public init(parsing text: String) throws(MatcherSyntaxError) {
        let parsed = try MatcherTextParser.parse(text)
        try self.init(checkedName: parsed.name, op: parsed.op, value: parsed.value) { regexOffset in
            regexOffset < parsed.valueOffsets.count ? parsed.valueOffsets[regexOffset] : parsed.valueEndOffset
        }
    }

    /// Creates a matcher from its parts, checking the name and, for `=~` and `!~`, compiling the regex.
    /// - Throws: ``MatcherSyntaxError``: offset 0 for a bad name, the offset in `value` for a bad regex.
    public init(name: String, op: Operator, value: String) throws(MatcherSyntaxError) {
        if let problem = MatcherTextParser.labelNameProblem(name) {
            throw MatcherSyntaxError(offset: 0, message: problem)
        }
        try self.init(checkedName: name, op: op, value: value) { $0 }
    }

    private init(
        checkedName name: String, op: Operator, value: String, regexOffset: (Int) -> Int
    ) throws(MatcherSyntaxError) {
        self.name = name
        self.op = op
        self.value = value
        valueBytes = Array(value.utf8)
        switch op {
        case .equal, .notEqual:
            pattern = nil
        case .matchesRegex, .notMatchesRegex:
            do {
                pattern = try LabelValuePattern(re2: value)
            } catch {
                throw MatcherSyntaxError(offset: regexOffset(error.offset), message: "regex: " + error.message)
            }
        }
    }

    /// Whether the alert's labels satisfy the matcher; a missing label is compared as the empty string.
    public func matches(_ labels: [String: String]) -> Bool {
        matches(value: labels[name] ?? "")
    }

    /// Whether a label value (the empty string for a missing label) satisfies the matcher.
    func matches(value candidate: String) -> Bool {
        switch op {
        case .equal: UTF8Comparison.equals(candidate, valueBytes)
        case .notEqual: !UTF8Comparison.equals(candidate, valueBytes)
        case .matchesRegex: pattern!.matches(candidate)
        case .notMatchesRegex: !pattern!.matches(candidate)
        }
    }

    /// Whether matching runs the regex engine (about 0.7 µs) rather than comparing bytes (tens of ns).
    var usesRegexEngine: Bool { pattern.map { !$0.isByteComparison } ?? false }

    /// Whether the regex nests unbounded repetitions (`(a+)+`, `(?:[a-z]+\.)+`) and has a Unicode script class, so
    /// that it runs on ICU, which may backtrack for long on a value that almost matches, on the ingest path, where
    /// Alertmanager's RE2 takes linear time. check-config warns about it. Every other regex runs in linear time.
    public var mayBacktrack: Bool {
        guard let pattern else { return false }
        return pattern.nestsUnboundedRepetition && pattern.runsOnICU
    }

    /// The canonical text: `name="value"` with `"`, `\` and newline escaped as `\"`, `\\` and `\n`, as
    /// Alertmanager prints matchers. Parsing it gives an equal matcher.
    public var description: String {
        var text = name + op.rawValue + "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }

    /// Matchers are equal when name, operator and value are, the value compared by Unicode scalars.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.op == rhs.op && lhs.value.unicodeScalars.elementsEqual(rhs.value.unicodeScalars)
    }

    /// Hashes name, operator and the value's Unicode scalars, consistently with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(op)
        for byte in value.utf8 { hasher.combine(byte) }
    }
}
