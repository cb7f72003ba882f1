/// Parses a regular expression in Go's RE2 syntax (as Alertmanager compiles it) into an ``RE2Node`` tree.
///
/// Accepts what Go's `regexp/syntax` accepts with its Perl flags, and rejects, with a message naming the
/// construct, what it does not: backreferences, lookaround, atomic groups, possessive and nested quantifiers,
/// conditionals, recursion, comments, `\Z`, `\G`, `\K` and the other PCRE-only escapes, unknown `\p{...}` names.
/// Groups may nest at most ``maximumNesting`` deep (Go allows 1000; deeper input is surely a mistake in a label
/// matcher and would only deepen recursion).
struct RE2Parser {
    /// Deepest group nesting accepted.
    static let maximumNesting = 200
    /// Largest count in `{n,m}`, as in Go.
    static let maximumRepeatCount = 1000

    private struct Flags {
        var caseInsensitive = false
        var multiLine = false
        var dotMatchesNewline = false
        var ungreedy = false
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0
    private var captureNames: Set<String> = []

    /// Parses `source`.
    static func parse(_ source: String) throws(RE2SyntaxError) -> RE2Node {
        var parser = RE2Parser(scalars: Array(source.unicodeScalars))
        var flags = Flags()
        let node = try parser.parseAlternation(&flags)
        if !parser.atEnd {
            // Only an unmatched `)` stops the top-level alternation early.
            throw RE2SyntaxError(offset: parser.position, message: "unexpected ) without a matching (")
        }
        return node
    }

    private init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    // MARK: - Helpers

    private var atEnd: Bool { position >= scalars.count }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        position + ahead < scalars.count ? scalars[position + ahead] : nil
    }

    private func error(_ message: String, at offset: Int? = nil) -> RE2SyntaxError {
        RE2SyntaxError(offset: offset ?? position, message: message)
    }

    /// The source scalars in `range`, as text for a message.
    private func text(_ range: Range<Int>) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[range.clamped(to: 0..<scalars.count)])
        return result
    }

    private static func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ("0"..."9").contains(scalar)
    }

    private static func isOctalDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ("0"..."7").contains(scalar)
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }

    private static let unsupported = " is not supported by Alertmanager's RE2 syntax"

    // MARK: - Alternation and concatenation

    /// Branches separated by `|`, up to an unmatched `)` or the end. Flags set inside carry across branches,
    /// as in Go, and end with the enclosing group.
    private mutating func parseAlternation(_ flags: inout Flags) throws(RE2SyntaxError) -> RE2Node {
        var branches = [try parseConcatenation(&flags)]
        while peek() == "|" {
            position += 1
            branches.append(try parseConcatenation(&flags))
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation(_ flags: inout Flags) throws(RE2SyntaxError) -> RE2Node {
        var parts: [RE2Node] = []
        while let scalar = peek(), scalar != "|", scalar != ")" {
            // nil: a group that only set flags, `(?i)`, or an empty `\Q\E`.
            guard let atom = try parseAtom(&flags) else { continue }
            if case .concatenation(var literals) = atom, let last = literals.popLast() {
                // `\Q...\E`: a quantifier after it repeats its last character only, as in Go.
                parts += literals
                parts.append(try parseQuantifiers(of: last, flags: flags))
            } else {
                parts.append(try parseQuantifiers(of: atom, flags: flags))
            }
        }
        switch parts.count {
        case 0: return .empty
        case 1: return parts[0]
        default: return .concatenation(parts)
        }
    }

    /// One atom; nil for a group that only sets flags.
    private mutating func parseAtom(_ flags: inout Flags) throws(RE2SyntaxError) -> RE2Node? {
        let scalar = scalars[position]
        switch scalar {
        case "(":
            return try parseGroup(&flags)
        case "[":
            return try parseBracketClass(flags)
        case ".":
            position += 1
            return .anyScalar(matchesNewline: flags.dotMatchesNewline)
        case "^":
            position += 1
            return .assertion(flags.multiLine ? .beginningOfLine : .beginningOfText)
        case "$":
            position += 1
            return .assertion(flags.multiLine ? .endOfLine : .endOfText)
        case "*", "+", "?":
            throw error("missing argument to repetition operator \(scalar)")
        case "{":
            if let end = repeatEnd(at: position) {
                throw error("missing argument to repetition operator \(text(position..<end))")
            }
            position += 1
            return literal("{", flags)
        case "\\":
            return try parseEscape(flags)
        default:
            position += 1
            return literal(scalar, flags)
        }
    }

    private func literal(_ scalar: Unicode.Scalar, _ flags: Flags) -> RE2Node {
        .literal(scalar, caseInsensitive: flags.caseInsensitive && scalar.properties.changesWhenCaseMapped)
    }

    // MARK: - Repetition

    /// Applies the quantifier after an atom, if any: one of `* + ? {n} {n,} {n,m}`, then optionally `?` for a
    /// lazy one. Anything that repeats a repetition directly (`a**`, `a{2}{3}`, the possessive `a*+`) is an error,
    /// as in Go.
    private mutating func parseQuantifiers(of atom: RE2Node, flags: Flags) throws(RE2SyntaxError) -> RE2Node {
        let start = position
        guard let bounds = try parseQuantifier() else { return atom }
        var lazy = false
        if peek() == "?" {
            position += 1
            lazy = true
        }
        if let next = peek() {
            if next == "+" && !lazy {
                throw error("possessive quantifier \(text(start..<position + 1))" + Self.unsupported, at: start)
            }
            let repeatEndAfter: Int? =
                switch next {
                case "*", "+", "?": position + 1
                case "{": repeatEnd(at: position)
                default: nil
                }
            if let repeatEndAfter {
                throw error("invalid nested repetition operator \(text(start..<repeatEndAfter))", at: start)
            }
        }
        return .repetition(atom, minimum: bounds.minimum, maximum: bounds.maximum, greedy: lazy == flags.ungreedy)
    }

    /// `*`, `+`, `?` or a well-formed `{n}`, `{n,}`, `{n,m}`; nil, with nothing consumed, otherwise.
    private mutating func parseQuantifier() throws(RE2SyntaxError) -> (minimum: Int, maximum: Int?)? {
        switch peek() {
        case "*":
            position += 1
            return (0, nil)
        case "+":
            position += 1
            return (1, nil)
        case "?":
            position += 1
            return (0, 1)
        case "{":
            guard let end = repeatEnd(at: position) else { return nil }
            let start = position
            let parts = text(start + 1..<end - 1).split(separator: ",", omittingEmptySubsequences: false)
            position = end
            // Counts longer than 8 digits are out of range however they are read.
            let minimum = parts[0].count > 8 ? Int.max : Int(parts[0])!
            let maximum: Int? =
                parts.count == 1 ? minimum : parts[1].isEmpty ? nil : parts[1].count > 8 ? Int.max : Int(parts[1])!
            if minimum > Self.maximumRepeatCount || (maximum ?? 0) > Self.maximumRepeatCount {
                throw error(
                    "invalid repeat count \(text(start..<end)): at most \(Self.maximumRepeatCount)", at: start)
            }
            if let maximum, maximum < minimum {
                throw error("invalid repeat count \(text(start..<end)): minimum above maximum", at: start)
            }
            return (minimum, maximum)
        default:
            return nil
        }
    }

    /// One past the `}` of a `{n}`, `{n,}` or `{n,m}` starting at `start`; nil when the text there is not one,
    /// and Go then reads the `{` as a literal (`a{`, `a{,3}`, `{x}`).
    private func repeatEnd(at start: Int) -> Int? {
        var index = start + 1
        let firstDigit = index
        while index < scalars.count, Self.isDigit(scalars[index]) { index += 1 }
        guard index > firstDigit, index < scalars.count else { return nil }
        if scalars[index] == "," {
            index += 1
            while index < scalars.count, Self.isDigit(scalars[index]) { index += 1 }
        }
        guard index < scalars.count, scalars[index] == "}" else { return nil }
        return index + 1
    }

    // MARK: - Groups

    private mutating func parseGroup(_ flags: inout Flags) throws(RE2SyntaxError) -> RE2Node? {
        let start = position
        position += 1  // (
        guard peek() == "?" else { return try parseGroupBody(start: start, flags: flags) }
        position += 1
        guard let groupFlags = try parseGroupPrefix(start: start, flags: &flags) else { return nil }
        return try parseGroupBody(start: start, flags: groupFlags)
    }

    private mutating func parseGroupBody(start: Int, flags: Flags) throws(RE2SyntaxError) -> RE2Node {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumNesting {
            throw error("regex nests groups more than \(Self.maximumNesting) deep", at: start)
        }
        var inner = flags
        let node = try parseAlternation(&inner)
        guard peek() == ")" else { throw error("missing closing ) for the group opened here", at: start) }
        position += 1
        return .group(node)
    }

    /// After `(?`: a named capture, a flag change, or a non-capturing group. Returns the flags for the group body
    /// to parse, or nil when `(?flags)` only changed `flags` for the rest of the enclosing group.
    private mutating func parseGroupPrefix(start: Int, flags: inout Flags) throws(RE2SyntaxError) -> Flags? {
        switch (peek(), peek(1)) {
        case ("=", _): throw error("lookahead (?=...)" + Self.unsupported, at: start)
        case ("!", _): throw error("negative lookahead (?!...)" + Self.unsupported, at: start)
        case ("<", "="): throw error("lookbehind (?<=...)" + Self.unsupported, at: start)
        case ("<", "!"): throw error("negative lookbehind (?<!...)" + Self.unsupported, at: start)
        case (">", _): throw error("atomic group (?>...)" + Self.unsupported, at: start)
        case ("#", _): throw error("comment (?#...)" + Self.unsupported, at: start)
        case ("|", _): throw error("branch reset group (?|...)" + Self.unsupported, at: start)
        case ("(", _): throw error("conditional group (?(...)...)" + Self.unsupported, at: start)
        case ("P", "="): throw error("backreference (?P=name)" + Self.unsupported, at: start)
        case ("P", ">"), ("&", _), ("R", _):
            throw error("recursion (?R), (?&name), (?P>name)" + Self.unsupported, at: start)
        case ("P", "<"):
            position += 1
            try parseCaptureName(start: start)
            return flags
        case ("<", _):
            try parseCaptureName(start: start)
            return flags
        case (let first?, let second):
            if Self.isDigit(first) || ((first == "+" || first == "-") && Self.isDigit(second)) {
                throw error("recursion (?1)" + Self.unsupported, at: start)
            }
        default:
            break
        }
        var updated = flags
        var negating = false
        var sawFlagSinceSign = false
        while let scalar = peek() {
            position += 1
            switch scalar {
            case "i", "m", "s", "U":
                switch scalar {
                case "i": updated.caseInsensitive = !negating
                case "m": updated.multiLine = !negating
                case "s": updated.dotMatchesNewline = !negating
                default: updated.ungreedy = !negating
                }
                sawFlagSinceSign = true
            case "-":
                guard !negating else { throw error("invalid flag group \(text(start..<position))", at: start) }
                negating = true
                sawFlagSinceSign = false
            case ":", ")":
                if negating && !sawFlagSinceSign {
                    throw error("invalid flag group \(text(start..<position)): no flag after -", at: start)
                }
                guard scalar == ":" else {
                    flags = updated
                    return nil
                }
                return updated
            default:
                if Self.isASCIIAlphanumeric(scalar) {
                    throw error(
                        "flag \(scalar) in \(text(start..<position))" + Self.unsupported
                            + " (its flags are i, m, s and U)", at: position - 1)
                }
                throw error("invalid or unsupported group syntax \(text(start..<position))", at: start)
            }
        }
        throw error("missing closing ) for the group opened here", at: start)
    }

    /// `name>` after `(?<` or `(?P<`: one or more ASCII word characters, not used before in the regex.
    private mutating func parseCaptureName(start: Int) throws(RE2SyntaxError) {
        position += 1  // <
        let nameStart = position
        while let scalar = peek(), scalar != ">" { position += 1 }
        guard peek() == ">" else { throw error("missing > after the capture group name", at: start) }
        let name = text(nameStart..<position)
        position += 1
        let valid = !name.isEmpty && name.unicodeScalars.allSatisfy { Self.isASCIIAlphanumeric($0) || $0 == "_" }
        guard valid else { throw error("invalid capture group name \"\(name)\"", at: nameStart) }
        guard captureNames.insert(name).inserted else {
            throw error("duplicate capture group name \"\(name)\"", at: nameStart)
        }
    }

    // MARK: - Escapes

    /// An escape outside brackets: an assertion, a class, `\Q...\E` (a concatenation of its literals, nil when
    /// empty), or one scalar.
    private mutating func parseEscape(_ flags: Flags) throws(RE2SyntaxError) -> RE2Node? {
        let start = position
        guard let letter = peek(1) else { throw error("trailing backslash at the end of the regex") }
        switch letter {
        case "A":
            position += 2
            return .assertion(.beginningOfText)
        case "z":
            position += 2
            return .assertion(.endOfText)
        case "b":
            position += 2
            return .assertion(.wordBoundary)
        case "B":
            position += 2
            return .assertion(.notWordBoundary)
        case "Q":
            position += 2
            var parts: [RE2Node] = []
            while let scalar = peek() {
                if scalar == "\\" && peek(1) == "E" {
                    position += 2
                    break
                }
                parts.append(literal(scalar, flags))
                position += 1
            }
            return parts.isEmpty ? nil : parts.count == 1 ? parts[0] : .concatenation(parts)
        case "p", "P":
            let item = try parseUnicodeClass()
            return .characterClass(.init(negated: false, items: [item]), caseInsensitive: flags.caseInsensitive)
        case "d", "D", "s", "S", "w", "W":
            position += 2
            return .characterClass(
                .init(negated: false, items: [Self.perlClass(letter)]), caseInsensitive: flags.caseInsensitive)
        default:
            position = start
            return literal(try parseEscapedScalar(), flags)
        }
    }

    private static func perlClass(_ letter: Unicode.Scalar) -> RE2CharacterClass.Item {
        switch letter {
        case "d": .ascii(.digit, negated: false)
        case "D": .ascii(.digit, negated: true)
        case "s": .ascii(.perlSpace, negated: false)
        case "S": .ascii(.perlSpace, negated: true)
        case "w": .ascii(.word, negated: false)
        default: .ascii(.word, negated: true)
        }
    }

    /// An escape that stands for one scalar, at `position` (the backslash): `\a \f \t \n \r \v`, octal, `\x`,
    /// or an escaped ASCII punctuation character.
    private mutating func parseEscapedScalar() throws(RE2SyntaxError) -> Unicode.Scalar {
        let start = position
        guard let letter = peek(1) else { throw error("trailing backslash at the end of the regex") }
        position += 2
        switch letter {
        case "a": return "\u{07}"
        case "f": return "\u{0C}"
        case "t": return "\t"
        case "n": return "\n"
        case "r": return "\r"
        case "v": return "\u{0B}"
        case "0"..."7" where letter == "0" || Self.isOctalDigit(peek()):
            // Go: \0, or a digit followed by another octal digit, starts an octal escape of up to three digits.
            var value = letter.value - 0x30
            for _ in 0..<2 where Self.isOctalDigit(peek()) {
                value = value * 8 + peek()!.value - 0x30
                position += 1
            }
            return Unicode.Scalar(value)!
        case "1"..."9":
            throw error("backreference \\\(letter)" + Self.unsupported, at: start)
        case "x":
            return try parseHexEscape(start: start)
        case "Z":
            throw error("\\Z" + Self.unsupported + "; use \\z for the end of the text", at: start)
        case "k", "g":
            throw error("backreference \\\(letter)" + Self.unsupported, at: start)
        case "G", "K", "R", "X", "C", "h", "H", "V", "N", "e", "c", "o", "u", "U", "l", "L", "E":
            throw error("escape \\\(letter)" + Self.unsupported, at: start)
        default:
            if letter.isASCII && !Self.isASCIIAlphanumeric(letter) { return letter }
            throw error("invalid escape \\\(letter) in the regex", at: start)
        }
    }

    /// `\xHH` or `\x{H...}` with the backslash at `start` and `position` after the `x`.
    private mutating func parseHexEscape(start: Int) throws(RE2SyntaxError) -> Unicode.Scalar {
        let invalid = error("invalid escape \\x: write \\xHH or \\x{HHHH}", at: start)
        if peek() == "{" {
            position += 1
            var value: UInt32 = 0
            var digits = 0
            while let scalar = peek(), let digit = Self.hexValue(scalar) {
                value = digits < 8 ? value * 16 + digit : 0x110000
                digits += 1
                position += 1
            }
            guard digits > 0, peek() == "}" else { throw invalid }
            position += 1
            guard let scalar = Unicode.Scalar(value) else {
                throw error("invalid escape \(text(start..<position)): not a Unicode scalar value", at: start)
            }
            return scalar
        }
        guard let high = peek().flatMap(Self.hexValue), let low = peek(1).flatMap(Self.hexValue) else { throw invalid }
        position += 2
        return Unicode.Scalar(high * 16 + low)!
    }

    /// `\pL`, `\p{Name}`, `\p{^Name}`, `\PL`, `\P{Name}` at `position`.
    private mutating func parseUnicodeClass() throws(RE2SyntaxError) -> RE2CharacterClass.Item {
        let start = position
        var negated = scalars[position + 1] == "P"
        position += 2
        var name: String
        switch peek() {
        case nil:
            throw error("missing Unicode class name after \\\(scalars[start + 1])", at: start)
        case "{":
            let nameStart = position + 1
            guard let close = scalars[nameStart...].firstIndex(of: "}") else {
                throw error("missing closing } in \\\(scalars[start + 1]){", at: start)
            }
            name = text(nameStart..<close)
            position = close + 1
        case let letter?:
            name = String(Character(letter))
            position += 1
        }
        if name.hasPrefix("^") {
            negated.toggle()
            name.removeFirst()
        }
        guard RE2UnicodeClassNames.isKnown(name) else {
            throw error(
                "unknown Unicode class \(text(start..<position)): RE2 knows general categories (L, Lu, Nd, ...), "
                    + "scripts (Greek, Latin, Han, ...) and Any", at: start)
        }
        return .unicode(name, negated: negated)
    }

    // MARK: - Bracketed classes

    /// `[...]` or `[^...]` at `position`. As in Go, `]` right after `[` or `[^` is a member, `-` is a literal
    /// where it cannot form a range, and `[` is a literal unless it opens `[:name:]`.
    private mutating func parseBracketClass(_ flags: Flags) throws(RE2SyntaxError) -> RE2Node {
        let start = position
        position += 1
        var negated = false
        if peek() == "^" {
            negated = true
            position += 1
        }
        var items: [RE2CharacterClass.Item] = []
        var first = true
        while true {
            guard let scalar = peek() else { throw error("missing closing ] for the class opened here", at: start) }
            if scalar == "]" && !first {
                position += 1
                break
            }
            first = false
            if scalar == "[", peek(1) == ":", let item = try parsePOSIXClass() {
                items.append(item)
                continue
            }
            if scalar == "\\", let letter = peek(1) {
                if letter == "p" || letter == "P" {
                    items.append(try parseUnicodeClass())
                    continue
                }
                if "dDsSwW".unicodeScalars.contains(letter) {
                    position += 2
                    items.append(Self.perlClass(letter))
                    continue
                }
            }
            let lowStart = position
            let low = try parseClassScalar()
            var high = low
            if peek() == "-", let after = peek(1), after != "]" {
                position += 1
                high = try parseClassScalar()
                if high.value < low.value {
                    throw error("invalid character class range \(text(lowStart..<position))", at: lowStart)
                }
            }
            items.append(.range(low, high))
        }
        return .characterClass(.init(negated: negated, items: items), caseInsensitive: flags.caseInsensitive)
    }

    /// One member scalar of a bracketed class: an escape or a literal.
    private mutating func parseClassScalar() throws(RE2SyntaxError) -> Unicode.Scalar {
        guard let scalar = peek() else { throw error("missing closing ] at the end of the regex") }
        if scalar == "\\" {
            if let letter = peek(1), "bBAzQ".unicodeScalars.contains(letter) {
                throw error("escape \\\(letter) is not allowed inside [...]")
            }
            if let letter = peek(1), "dDsSwWpP".unicodeScalars.contains(letter) {
                throw error("a class such as \\\(letter) cannot be a range end")
            }
            return try parseEscapedScalar()
        }
        position += 1
        return scalar
    }

    /// `[:name:]` or `[:^name:]` at `position`; nil (nothing consumed) when no `:]` follows, and `[` is then
    /// a literal, as in Go.
    private mutating func parsePOSIXClass() throws(RE2SyntaxError) -> RE2CharacterClass.Item? {
        let start = position
        var index = position + 2
        while index + 1 < scalars.count, !(scalars[index] == ":" && scalars[index + 1] == "]") { index += 1 }
        guard index + 1 < scalars.count else { return nil }
        var name = text(start + 2..<index)
        position = index + 2
        var negated = false
        if name.hasPrefix("^") {
            negated = true
            name.removeFirst()
        }
        guard let asciiClass = RE2ASCIIClass(rawValue: name), asciiClass != .perlSpace else {
            throw error("unknown POSIX class \(text(start..<position))", at: start)
        }
        return .ascii(asciiClass, negated: negated)
    }
}
