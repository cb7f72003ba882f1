/// Writes an ``RE2Node`` tree as an ICU regular expression (the syntax of Foundation's `NSRegularExpression`)
/// that matches exactly the strings Go's RE2 matches with the same tree.
///
/// Nothing is left to ICU's reading of flags or metacharacters: every literal other than an ASCII letter or digit
/// is written as `\x{...}`, `.` becomes an explicit set, `^ $ \b \B` become `\A`, `\z` and lookarounds with
/// RE2's definitions (only `\n` ends a line; ASCII word characters), `\d \s \w` and the POSIX classes become
/// their ASCII ranges, and case-insensitive literals become one-scalar sets under `(?i:...)`, so that ICU's full
/// case folding cannot match `ß` against `ss` where RE2 does not.
enum ICUPatternWriter {
    /// The ICU pattern for `node`, anchored at both ends as Alertmanager anchors a matcher's regex.
    static func anchoredPattern(for node: RE2Node) -> String {
        var out = "\\A(?:"
        write(node, to: &out)
        out += ")\\z"
        return out
    }

    private static let wordSet = "[0-9A-Z_a-z]"

    private static func write(_ node: RE2Node, to out: inout String) {
        switch node {
        case .empty:
            out += "(?:)"
        case .literal(let scalar, let caseInsensitive):
            if caseInsensitive {
                out += "(?i:["
                writeScalar(scalar, to: &out)
                out += "])"
            } else {
                writeScalar(scalar, to: &out)
            }
        case .characterClass(let characterClass, let caseInsensitive):
            if caseInsensitive { out += "(?i:" }
            writeClass(characterClass, to: &out)
            if caseInsensitive { out += ")" }
        case .anyScalar(let matchesNewline):
            // A set matches one scalar; ICU's dot would also take `\r\n` as one under DOTALL.
            out += matchesNewline ? "[\\x{0}-\\x{10FFFF}]" : "[^\\x{A}]"
        case .assertion(let assertion):
            writeAssertion(assertion, to: &out)
        case .concatenation(let parts):
            for part in parts { write(part, to: &out) }
        case .alternation(let branches):
            out += "(?:"
            for (index, branch) in branches.enumerated() {
                if index > 0 { out += "|" }
                write(branch, to: &out)
            }
            out += ")"
        case .repetition(let inner, let minimum, let maximum, let greedy):
            out += "(?:"
            write(inner, to: &out)
            out += ")"
            switch (minimum, maximum) {
            case (0, nil): out += "*"
            case (1, nil): out += "+"
            case (0, 1): out += "?"
            case (let minimum, nil): out += "{\(minimum),}"
            case (let minimum, let maximum?) where minimum == maximum: out += "{\(minimum)}"
            case (let minimum, let maximum?): out += "{\(minimum),\(maximum)}"
            }
            if !greedy { out += "?" }
        case .group(let inner):
            out += "(?:"
            write(inner, to: &out)
            out += ")"
        }
    }

    private static func writeAssertion(_ assertion: RE2Assertion, to out: inout String) {
        switch assertion {
        case .beginningOfText: out += "\\A"
        case .endOfText: out += "\\z"
        case .beginningOfLine: out += "(?:\\A|(?<=\\x{A}))"
        case .endOfLine: out += "(?=\\x{A}|\\z)"
        case .wordBoundary: out += "(?:(?<=\(wordSet))(?!\(wordSet))|(?<!\(wordSet))(?=\(wordSet)))"
        case .notWordBoundary: out += "(?:(?<=\(wordSet))(?=\(wordSet))|(?<!\(wordSet))(?!\(wordSet)))"
        }
    }

    private static func writeClass(_ characterClass: RE2CharacterClass, to out: inout String) {
        out += characterClass.negated ? "[^" : "["
        for item in characterClass.items {
            switch item {
            case .range(let lower, let upper):
                writeScalar(lower, to: &out)
                if upper != lower {
                    out += "-"
                    writeScalar(upper, to: &out)
                }
            case .ascii(let asciiClass, let negated):
                // A negated member is a nested set, which ICU unites with the others.
                if negated { out += "[^" }
                for range in asciiClass.ranges {
                    out += "\\x{\(String(range.lowerBound, radix: 16))}-\\x{\(String(range.upperBound, radix: 16))}"
                }
                if negated { out += "]" }
            case .unicode(let name, let negated):
                if name == "Any" {
                    out += negated ? "[^\\x{0}-\\x{10FFFF}]" : "\\x{0}-\\x{10FFFF}"
                } else {
                    out += negated ? "\\P{\(name)}" : "\\p{\(name)}"
                }
            }
        }
        out += "]"
    }

    private static func writeScalar(_ scalar: Unicode.Scalar, to out: inout String) {
        switch scalar {
        case "0"..."9", "a"..."z", "A"..."Z": out.unicodeScalars.append(scalar)
        default: out += "\\x{\(String(scalar.value, radix: 16))}"
        }
    }
}
