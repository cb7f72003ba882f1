/// Splits one matcher's text into name, operator and unescaped value, with offsets for errors.
///
/// A label name, an operator, and a value that is either a Go double-quoted string, read as Alertmanager's UTF-8
/// parser (`matcher/parse`, the default since 0.27) reads it, or an unquoted run without whitespace or the
/// characters that parser reserves, which its classic parser (`pkg/labels`) reads the same way. (The classic
/// parser knows only the escapes `\"`, `\\` and `\n` and keeps any other backslash as it is: failoverd follows the
/// UTF-8 parser, rejects what is not a Go escape, such as `"\d"`, rather than keep the backslash, and prints
/// matchers with those three escapes only, which both read alike.) Offsets count Unicode scalars.
enum MatcherTextParser {
    /// A matcher taken apart.
    struct Parts {
        /// The label name.
        var name: String
        /// The operator.
        var op: AlertMatcher.Operator
        /// The unescaped value.
        var value: String
        /// For each Unicode scalar of `value`, the offset in the text of what produced it (the backslash of
        /// an escape), so regex errors can point into the text.
        var valueOffsets: [Int]
        /// The offset just past the value's last scalar (its closing quote for a quoted value).
        var valueEndOffset: Int
    }

    /// Characters that end an unquoted value (besides whitespace), as Alertmanager's UTF-8 parser reserves them.
    private static let reserved: Set<Unicode.Scalar> = ["{", "}", "!", "=", "~", ",", "\\", "\"", "'", "`"]

    private static let nameSyntax = "label names match [a-zA-Z_][a-zA-Z0-9_]*"

    /// Why `name` is not a valid label name, or nil.
    static func labelNameProblem(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first else { return "empty label name" }
        if !isNameStart(first) { return "invalid label name \"\(name)\": \(nameSyntax)" }
        if let bad = name.unicodeScalars.first(where: { !isNameContinuation($0) }) {
            return "invalid character '\(bad)' in label name: \(nameSyntax)"
        }
        return nil
    }

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    private static func isNameContinuation(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar)
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    /// Parses `text`.
    static func parse(_ text: String) throws(MatcherSyntaxError) -> Parts {
        let scalars = Array(text.unicodeScalars)
        var position = 0
        func fail(_ message: String, at offset: Int? = nil) -> MatcherSyntaxError {
            MatcherSyntaxError(offset: offset ?? position, message: message)
        }
        func skipSpaces() {
            while position < scalars.count, isSpace(scalars[position]) { position += 1 }
        }
        func character(_ offset: Int) -> String { String(Character(scalars[offset])) }

        // Name.
        skipSpaces()
        guard position < scalars.count else { throw fail("empty matcher: expected name=\"value\"") }
        let nameStart = position
        switch scalars[position] {
        case "=", "!":
            throw fail("missing label name before the operator")
        case "\"":
            throw fail("quoted label names are not supported: \(nameSyntax)")
        case "{", "}":
            throw fail("braces are not part of a matcher: write one matcher per entry, such as alertname=\"X\"")
        case let first where !isNameStart(first):
            throw fail("invalid label name: it must start with a letter or _ (\(nameSyntax))")
        default:
            break
        }
        while position < scalars.count, isNameContinuation(scalars[position]) { position += 1 }
        var name = ""
        name.unicodeScalars.append(contentsOf: scalars[nameStart..<position])
        if position < scalars.count, !isSpace(scalars[position]), scalars[position] != "=", scalars[position] != "!" {
            throw fail("invalid character '\(character(position))' in label name: \(nameSyntax)")
        }

        // Operator.
        skipSpaces()
        guard position < scalars.count else { throw fail("missing operator (=, !=, =~ or !~) after the label name") }
        let op: AlertMatcher.Operator
        let next: Unicode.Scalar? = position + 1 < scalars.count ? scalars[position + 1] : nil
        switch (scalars[position], next) {
        case ("=", "~"): op = .matchesRegex
        case ("=", _): op = .equal
        case ("!", "="): op = .notEqual
        case ("!", "~"): op = .notMatchesRegex
        case ("!", _): throw fail("invalid operator: expected != or !~")
        default: throw fail("expected an operator (=, !=, =~ or !~) after the label name")
        }
        position += op.rawValue.unicodeScalars.count

        // Value.
        skipSpaces()
        guard position < scalars.count else {
            throw fail("missing value after the operator (write \"\" for the empty value)")
        }
        var parts = Parts(name: name, op: op, value: "", valueOffsets: [], valueEndOffset: 0)
        let quoted = scalars[position] == "\""
        if quoted {
            try parseQuoted(scalars, at: &position, into: &parts)
        } else {
            let valueStart = position
            while position < scalars.count, !isSpace(scalars[position]), !reserved.contains(scalars[position]) {
                position += 1
            }
            guard position > valueStart else {
                throw fail(
                    "unexpected '\(character(position))' at the start of the value: quote values that contain "
                        + "whitespace or any of {}!=~,\\\"'`")
            }
            parts.value.unicodeScalars.append(contentsOf: scalars[valueStart..<position])
            parts.valueOffsets = Array(valueStart..<position)
            parts.valueEndOffset = position
            if position < scalars.count, !isSpace(scalars[position]), scalars[position] != "," {
                throw fail(
                    "unexpected '\(character(position))' in the unquoted value: quote values that contain "
                        + "whitespace or any of {}!=~,\\\"'`")
            }
        }

        // Nothing else.
        skipSpaces()
        if position < scalars.count {
            if scalars[position] == "," {
                throw fail("one matcher per entry: unexpected ',' after the value")
            }
            throw fail("unexpected text after the \(quoted ? "quoted " : "")value")
        }
        return parts
    }

    /// A Go double-quoted string at `position` (the opening quote), per `strconv.Unquote`: escapes
    /// `\a \b \f \n \r \t \v \\ \"`, `\xHH` and three-digit octal bytes, `\uHHHH` and `\UHHHHHHHH`; no raw
    /// newline. The bytes must form valid UTF-8.
    private static func parseQuoted(
        _ scalars: [Unicode.Scalar], at position: inout Int, into parts: inout Parts
    ) throws(MatcherSyntaxError) {
        let open = position
        position += 1
        var bytes: [UInt8] = []
        var byteOffsets: [Int] = []
        func append(_ scalar: Unicode.Scalar, from offset: Int) {
            let encoded = Array(String(Character(scalar)).utf8)
            bytes += encoded
            byteOffsets += Array(repeating: offset, count: encoded.count)
        }
        func hexDigits(_ count: Int, after start: Int) -> UInt32? {
            guard start + count <= scalars.count else { return nil }
            var value: UInt32 = 0
            for scalar in scalars[start..<start + count] {
                guard let digit = hexDigitValue(scalar) ?? hexLetterValue(scalar) else { return nil }
                value = value * 16 + digit
            }
            return value
        }
        while true {
            guard position < scalars.count else {
                throw MatcherSyntaxError(offset: open, message: "unterminated quoted value")
            }
            let scalar = scalars[position]
            switch scalar {
            case "\"":
                parts.valueEndOffset = position
                position += 1
                guard let value = String(validating: bytes, as: UTF8.self) else {
                    throw MatcherSyntaxError(
                        offset: open, message: "the quoted value's \\x or octal escapes do not form valid UTF-8")
                }
                parts.value = value
                var byteIndex = 0
                for decoded in value.unicodeScalars {
                    parts.valueOffsets.append(byteOffsets[byteIndex])
                    byteIndex += UTF8.width(decoded)
                }
                return
            case "\n":
                throw MatcherSyntaxError(offset: position, message: "newline inside the quoted value: write \\n")
            case "\\":
                let escape = position
                guard position + 1 < scalars.count else {
                    throw MatcherSyntaxError(offset: open, message: "unterminated quoted value")
                }
                let letter = scalars[position + 1]
                position += 2
                let simple: Unicode.Scalar? =
                    switch letter {
                    case "a": "\u{07}"
                    case "b": "\u{08}"
                    case "f": "\u{0C}"
                    case "n": "\n"
                    case "r": "\r"
                    case "t": "\t"
                    case "v": "\u{0B}"
                    case "\\": "\\"
                    case "\"": "\""
                    default: nil
                    }
                if let simple {
                    append(simple, from: escape)
                    continue
                }
                switch letter {
                case "x":
                    guard let byte = hexDigits(2, after: position) else {
                        throw MatcherSyntaxError(
                            offset: escape, message: "invalid escape \\x: write \\x and two hex digits")
                    }
                    bytes.append(UInt8(byte))
                    byteOffsets.append(escape)
                    position += 2
                case "0"..."7":
                    let digits = scalars[(position - 1)..<min(position + 2, scalars.count)]
                    guard digits.count == 3, digits.allSatisfy({ ("0"..."7").contains($0) }) else {
                        throw MatcherSyntaxError(
                            offset: escape, message: "invalid octal escape: write three octal digits")
                    }
                    let value = digits.reduce(0) { $0 * 8 + Int($1.value - 0x30) }
                    guard value <= 0xFF else {
                        throw MatcherSyntaxError(offset: escape, message: "invalid octal escape: above \\377")
                    }
                    bytes.append(UInt8(value))
                    byteOffsets.append(escape)
                    position += 2
                case "u", "U":
                    let count = letter == "u" ? 4 : 8
                    guard let value = hexDigits(count, after: position), let decoded = Unicode.Scalar(value) else {
                        throw MatcherSyntaxError(
                            offset: escape,
                            message: "invalid escape \\\(letter): write \\\(letter) and \(count) hex digits of a "
                                + "Unicode scalar value")
                    }
                    append(decoded, from: escape)
                    position += count
                default:
                    throw MatcherSyntaxError(
                        offset: escape,
                        message: "invalid escape \\\(Character(letter)) in the quoted value (for a regex escape such "
                            + "as \\d, write \\\\d)")
                }
            default:
                append(scalar, from: position)
                position += 1
            }
        }
    }

    private static func hexDigitValue(_ scalar: Unicode.Scalar) -> UInt32? {
        ("0"..."9").contains(scalar) ? scalar.value - 0x30 : nil
    }

    private static func hexLetterValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }
}
