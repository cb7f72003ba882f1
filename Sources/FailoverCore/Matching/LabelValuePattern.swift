import Foundation

/// A matcher's regex, compiled once: decides whether a whole label value matches, as Alertmanager's anchored
/// `^(?:regex)$` does.
///
/// Regexes that are only literal text, an alternation of literal texts, or literal text followed by `.*` (the
/// common `us-.*`) are decided by comparing UTF-8 bytes, in tens of nanoseconds; every other regex runs on
/// ``RE2Program``, a linear-time simulation as RE2's. Only a regex with a Unicode script class (`\p{Greek}`), which
/// the standard library cannot decide, runs on Foundation's `NSRegularExpression` (ICU), `Sendable` and safe to
/// use from many threads at once. Comparisons are by Unicode scalars, as in Go, never by Swift's canonical
/// equivalence: `é` written as one scalar does not match `e` followed by a combining accent.
///
/// Why not ICU for every regex: it backtracks (a nested repetition can take exponential time on a long label
/// value that almost matches), and compiling regexes with it keeps 1.5 MB of ICU's code and tables resident
/// (`make bench`'s idle RSS with 50 runbooks).
struct LabelValuePattern: Sendable {
    private enum Strategy: Sendable {
        /// The value is exactly these bytes.
        case literal([UInt8])
        /// The value is exactly one of these.
        case literals([[UInt8]])
        /// The value starts with these bytes; the rest may contain `\n` only when `restMayHoldNewline`.
        case prefix([UInt8], restMayHoldNewline: Bool)
        /// Anything else without a script class, by Thompson's simulation.
        case program(RE2Program)
        /// A regex with a script class, through ICU.
        case regularExpression(NSRegularExpression)
    }

    private let strategy: Strategy

    /// Whether matching compares bytes rather than running a regex engine.
    var isByteComparison: Bool {
        switch strategy {
        case .literal, .literals, .prefix: true
        case .program, .regularExpression: false
        }
    }

    /// Whether the regex runs on ICU (it has a script class), which backtracks.
    var runsOnICU: Bool {
        if case .regularExpression = strategy { true } else { false }
    }

    /// The ICU pattern the regex was translated to, for tests and diagnostics.
    let icuPattern: String
    /// Whether the regex nests unbounded repetitions (`(a+)+`): RE2 and ``RE2Program`` match it in linear time,
    /// ICU backtracks and can take exponential time on a long value that almost matches.
    let nestsUnboundedRepetition: Bool

    /// Parses `source` as RE2 and compiles it.
    init(re2 source: String) throws(RE2SyntaxError) {
        let tree = try RE2Parser.parse(source)
        icuPattern = ICUPatternWriter.anchoredPattern(for: tree)
        nestsUnboundedRepetition = tree.nestsUnboundedRepetition(inside: false)
        if let shortcut = Self.shortcut(for: tree) {
            strategy = shortcut
            return
        }
        if let program = try RE2Program(tree) {
            strategy = .program(program)
            return
        }
        do {
            strategy = .regularExpression(try NSRegularExpression(pattern: icuPattern))
        } catch {
            throw RE2SyntaxError(offset: 0, message: "the matching engine (ICU) rejects this regex: \(error)")
        }
    }

    /// Whether the whole of `value` matches.
    func matches(_ value: String) -> Bool {
        switch strategy {
        case .literal(let bytes):
            return UTF8Comparison.equals(value, bytes)
        case .literals(let alternatives):
            return alternatives.contains { UTF8Comparison.equals(value, $0) }
        case .prefix(let prefix, let restMayHoldNewline):
            return UTF8Comparison.hasPrefix(value, prefix, newlineAllowedAfter: restMayHoldNewline)
        case .program(let program):
            return program.matches(value)
        case .regularExpression(let expression):
            let range = NSRange(location: 0, length: value.utf16.count)
            return expression.firstMatch(in: value, options: [.anchored], range: range) != nil
        }
    }

    // MARK: - Shortcuts

    private static func shortcut(for tree: RE2Node) -> Strategy? {
        let node = unwrapped(tree)
        if let bytes = literalBytes(node) { return .literal(bytes) }
        if case .alternation(let branches) = node {
            var alternatives: [[UInt8]] = []
            for branch in branches {
                guard let bytes = literalBytes(unwrapped(branch)) else { return nil }
                alternatives.append(bytes)
            }
            return .literals(alternatives)
        }
        let parts: [RE2Node] = if case .concatenation(let parts) = node { parts } else { [node] }
        if let last = parts.last, case .repetition(let inner, 0, nil, _) = unwrapped(last),
            case .anyScalar(let matchesNewline) = unwrapped(inner),
            let prefix = literalBytes(.concatenation(Array(parts.dropLast())))
        {
            return .prefix(prefix, restMayHoldNewline: matchesNewline)
        }
        return nil
    }

    /// The node without the groups around it.
    private static func unwrapped(_ node: RE2Node) -> RE2Node {
        var node = node
        while case .group(let inner) = node { node = inner }
        return node
    }

    /// The UTF-8 bytes a node made only of case-sensitive literals (or nothing) matches, or nil.
    private static func literalBytes(_ node: RE2Node) -> [UInt8]? {
        switch node {
        case .empty:
            return []
        case .literal(let scalar, caseInsensitive: false):
            return Array(String(Character(scalar)).utf8)
        case .concatenation(let parts):
            var bytes: [UInt8] = []
            for part in parts {
                guard let partBytes = literalBytes(unwrapped(part)) else { return nil }
                bytes += partBytes
            }
            return bytes
        default:
            return nil
        }
    }
}

extension RE2Node {
    /// Whether an unbounded repetition stands inside another (through groups, sequences and alternatives).
    func nestsUnboundedRepetition(inside: Bool) -> Bool {
        switch self {
        case .empty, .literal, .characterClass, .anyScalar, .assertion:
            return false
        case .concatenation(let parts), .alternation(let parts):
            return parts.contains { $0.nestsUnboundedRepetition(inside: inside) }
        case .group(let node):
            return node.nestsUnboundedRepetition(inside: inside)
        case .repetition(let node, _, let maximum, _):
            if maximum == nil && inside { return true }
            return node.nestsUnboundedRepetition(inside: inside || maximum == nil)
        }
    }
}
