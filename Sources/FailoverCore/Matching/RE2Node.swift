/// A parsed regular expression in Go's RE2 dialect, with every flag already applied.
///
/// The parser resolves `(?i)`, `(?m)`, `(?s)` and `(?U)` into the nodes themselves (a case-insensitive literal,
/// a line or text anchor, a newline-matching dot, a lazy repetition), so the ICU pattern written from the tree
/// never depends on how ICU scopes flags or which newlines it treats as line ends.
indirect enum RE2Node: Sendable, Hashable {
    /// Matches the empty string (`()`, an empty alternative).
    case empty
    /// One Unicode scalar; `caseInsensitive` only when the scalar has other case forms.
    case literal(Unicode.Scalar, caseInsensitive: Bool)
    /// One scalar out of a set (`[a-z]`, `\d`, `\pL`).
    case characterClass(RE2CharacterClass, caseInsensitive: Bool)
    /// `.`: any scalar; `\n` only under `(?s)`.
    case anyScalar(matchesNewline: Bool)
    /// A zero-width assertion.
    case assertion(RE2Assertion)
    /// Its parts in order.
    case concatenation([RE2Node])
    /// One of its branches.
    case alternation([RE2Node])
    /// `*`, `+`, `?`, `{n,m}`; `maximum` nil for unbounded.
    case repetition(RE2Node, minimum: Int, maximum: Int?, greedy: Bool)
    /// A parenthesised group (captures do not matter for matching).
    case group(RE2Node)
}

/// The zero-width assertions of RE2.
enum RE2Assertion: Sendable, Hashable {
    /// `^` without `(?m)`, and `\A`.
    case beginningOfText
    /// `$` without `(?m)`, and `\z`.
    case endOfText
    /// `^` under `(?m)`: the start of the text or just after `\n`.
    case beginningOfLine
    /// `$` under `(?m)`: the end of the text or just before `\n`.
    case endOfLine
    /// `\b`, between an ASCII word character and a non-word one.
    case wordBoundary
    /// `\B`.
    case notWordBoundary
}

/// A bracketed or escaped class: a union of items, possibly negated.
struct RE2CharacterClass: Sendable, Hashable {
    /// One member of a class.
    enum Item: Sendable, Hashable {
        /// Scalars from `lower` to `upper`, inclusive.
        case range(Unicode.Scalar, Unicode.Scalar)
        /// An ASCII class (`\d`, `[:alpha:]`), or everything outside it.
        case ascii(RE2ASCIIClass, negated: Bool)
        /// A Unicode general category or script (`\pL`, `\p{Greek}`), or everything outside it.
        case unicode(String, negated: Bool)
    }

    /// Whether the class matches the scalars outside its items (`[^...]`).
    var negated: Bool
    /// The union of these.
    var items: [Item]
}

/// RE2's ASCII-only classes: Perl's `\d \s \w` and the POSIX `[:name:]` classes.
enum RE2ASCIIClass: String, Sendable, Hashable, CaseIterable {
    case alnum, alpha, ascii, blank, cntrl, digit, graph, lower, print, punct, space, upper, word, xdigit
    /// Perl's `\s`: tab, newline, form feed, carriage return and space (not vertical tab, unlike `[:space:]`).
    case perlSpace

    /// The scalar ranges of the class, in ascending order.
    var ranges: [ClosedRange<UInt32>] {
        switch self {
        case .alnum: [0x30...0x39, 0x41...0x5A, 0x61...0x7A]
        case .alpha: [0x41...0x5A, 0x61...0x7A]
        case .ascii: [0x00...0x7F]
        case .blank: [0x09...0x09, 0x20...0x20]
        case .cntrl: [0x00...0x1F, 0x7F...0x7F]
        case .digit: [0x30...0x39]
        case .graph: [0x21...0x7E]
        case .lower: [0x61...0x7A]
        case .print: [0x20...0x7E]
        case .punct: [0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E]
        case .space: [0x09...0x0D, 0x20...0x20]
        case .upper: [0x41...0x5A]
        case .word: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
        case .xdigit: [0x30...0x39, 0x41...0x46, 0x61...0x66]
        case .perlSpace: [0x09...0x0A, 0x0C...0x0D, 0x20...0x20]
        }
    }
}
