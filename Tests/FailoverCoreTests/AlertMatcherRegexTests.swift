import Foundation
import Testing

@testable import FailoverCore

@Suite("AlertMatcher regexes: RE2 semantics, anchoring, rejected constructs")
struct AlertMatcherRegexTests {
    static func regex(_ source: String) throws -> AlertMatcher {
        try AlertMatcher(name: "v", op: .matchesRegex, value: source)
    }

    @Test(
        "a regex matches whole values only, with RE2's reading of each construct",
        arguments: [
            // Anchoring: Alertmanager compiles ^(?:re)$.
            ("us", "us-east", false), ("us", "us", true), ("us-.*", "us-east-1", true), ("us-.*", "eu-us-1", false),
            (".*east.*", "us-east-1", true), ("a|b", "ab", false), ("a|b", "b", true), ("", "", true), ("", "x", false),
            ("x*", "", true), ("(?:api|web)-[0-9]+", "web-12", true), ("(?:api|web)-[0-9]+", "web-", false),
            ("(api|web|worker)-\\d{2,3}", "worker-123", true), ("(api|web|worker)-\\d{2,3}", "worker-1234", false),
            ("PrimaryRegionUnhealthy|SecondaryRegionUnhealthy", "SecondaryRegionUnhealthy", true),
            ("[a-z]+-[a-z]+-[0-9]", "ap-southeast-2", true), ("[^a-z]+", "ABC", true), ("[^a-z]+", "AbC", false),
            // Only \n ends a line; $ is the very end of the text, never before a final newline.
            ("us-.*", "us-\nx", false), ("(?s)us-.*", "us-\nx", true), ("a", "a\n", false), ("a$", "a\n", false),
            ("a$\\n", "a\n", false), ("(?m)a$\\n", "a\n", true), ("a\\n^b", "a\nb", false),
            ("a\\n(?m)^b", "a\nb", true),
            ("(?m)a$", "a", true), ("a\\z", "a", true), ("\\Aa", "a", true), (".", "\r", true), ("..", "\r\n", false),
            ("(?s).", "\r\n", false), ("(?s)..", "\r\n", true), ("[^a]", "\n", true), ("(?s:.)x", "\nx", true),
            // Case folding is RE2's simple folding.
            ("(?i)prod", "PROD", true), ("prod", "PROD", false), ("(?i)k", "\u{212A}", true),
            ("(?i)s", "\u{17F}", true),
            ("(?i)ß", "ss", false), ("(?i)ss", "ß", false), ("(?i)[^a]", "A", false), ("(?i)[a-c]+", "AbC", true),
            ("(?i:a)a", "AA", false), ("(?i:a)a", "Aa", true), ("a(?i)b|c", "C", true), ("(?i)\\p{Lu}", "a", true),
            ("(?i)straße", "STRASSE", false), ("(?-i:a)", "A", false), ("(?i)(?-i)a", "A", false),
            // \d \s \w \b and POSIX classes are ASCII-only.
            ("\\d", "\u{663}", false), ("\\pN", "\u{663}", true), ("\\w+", "é", false), ("\\W", "é", true),
            ("\\s", "\u{0B}", false), ("[[:space:]]", "\u{0B}", true), ("\\s", "\t", true), ("\\S", "\u{A0}", true),
            ("x\\bé", "xé", true), ("é\\b", "é", false), ("foo\\b.*", "foo bar", true), ("foo\\b.*", "foobar", false),
            ("foo\\B.*", "foobar", true), ("[[:alpha:]]+", "abcXYZ", true), ("[[:alpha:]]", "é", false),
            ("[[:^digit:]]+", "ab", true), ("[[:^digit:]]", "1", false), ("[[:word:]]+", "a_1", true),
            ("[\\d\\s]+", "1 2", true), ("[^\\d]", "1", false), ("[\\D]", "x", true), ("[^\\D]", "7", true),
            // Unicode classes.
            ("\\pL+", "héllo", true), ("\\p{Greek}+", "αβγ", true), ("\\p{Greek}", "a", false),
            ("\\PL", "1", true), ("\\P{L}", "a", false), ("\\p{^Greek}", "a", true), ("\\P{^Greek}", "α", true),
            ("[\\p{Han}\\p{Hiragana}]+", "日本ひ", true), ("\\p{Any}", "😀", true), ("\\P{Any}", "a", false),
            ("[^\\p{Any}]|a", "a", true),
            // Scalars, not grapheme clusters or canonical equivalence.
            (".", "\u{E9}", true), (".", "e\u{301}", false), ("..", "e\u{301}", true), ("\u{E9}", "e\u{301}", false),
            ("e\u{301}+", "e\u{301}\u{301}", true), ("é", "é", true), ("日本.*", "日本語", true), (".", "😀", true),
            ("[😀-😂]", "😁", true), ("\\x{1F600}", "😀", true), ("\\x41", "A", true), ("\\101", "A", true),
            ("\\0", "\u{0}", true), ("\\12", "\n", true), ("\\a\\f\\t\\n\\r\\v", "\u{07}\u{0C}\t\n\r\u{0B}", true),
            // Literal braces and brackets where RE2 reads them as literals.
            ("a{,2}", "a{,2}", true), ("a{,2}", "aa", false), ("a{2}", "aa", true), ("a{2,}", "aaaa", true),
            ("a{1,2}", "aaa", false), ("a{", "a{", true), ("{x}", "{x}", true), ("a{0}", "", true),
            ("[]a]+", "]a]", true), ("[^]a]", "b", true), ("[^]a]", "]", false), ("[a-]", "-", true),
            ("[[]", "[", true), ("[a&&b]", "&", true), ("[a-c--b]", "-", true), ("[a~~b]", "~", true),
            ("[\\[\\]]+", "[]", true), ("[.]", "x", false), ("\\.", ".", true), ("\\Q.*\\E", ".*", true),
            ("\\Q.*\\E", "xx", false), ("\\Qab\\E*", "abbb", true), ("\\Qab\\E*", "abab", false),
            ("\\Qa|b", "a|b", true),
            // Groups, flags and repetition forms RE2 accepts.
            ("(?P<region>us)-(?<zone>[a-z]+)", "us-east", true), ("(?i-s:A.)", "a\n", false), ("(?)a", "a", true),
            ("(?U)a+", "aaa", true), ("(?U)a+?", "aaa", true), ("a*?b", "aab", true), ("(a*)*", "aaa", true),
            ("(a|b)+c", "ababc", true), ("^*a", "a", true), ("a|", "", true), ("()", "", true), ("(|a)b", "b", true),
        ])
    func semantics(pattern: String, value: String, expected: Bool) throws {
        let matcher = try Self.regex(pattern)
        #expect(matcher.matches(["v": value]) == expected, "\(pattern) against \(value.debugDescription)")
        let negated = try AlertMatcher(name: "v", op: .notMatchesRegex, value: pattern)
        #expect(negated.matches(["v": value]) == !expected)
    }

    @Test(
        "constructs RE2 does not have are rejected at parse time with a message",
        arguments: [
            ("(a)\\1", 3, "backreference \\1 is not supported by Alertmanager's RE2 syntax"),
            ("\\8", 0, "backreference \\8"), ("\\k<n>", 0, "backreference \\k"), ("\\g1", 0, "backreference \\g"),
            ("(?P<n>a)(?P=n)", 8, "backreference (?P=name)"),
            ("a(?=b)", 1, "lookahead (?=...) is not supported by Alertmanager's RE2 syntax"),
            ("a(?!b)", 1, "negative lookahead (?!...)"), ("(?<=a)b", 0, "lookbehind (?<=...)"),
            ("(?<!a)b", 0, "negative lookbehind (?<!...)"), ("(?>a+)b", 0, "atomic group (?>...)"),
            ("a*+", 1, "possessive quantifier *+"), ("a++", 1, "possessive quantifier ++"),
            ("a?+", 1, "possessive quantifier ?+"), ("a{2}+", 1, "possessive quantifier {2}+"),
            ("a**", 1, "invalid nested repetition operator **"), ("a+*", 1, "invalid nested repetition operator +*"),
            ("a{2}{3}", 1, "invalid nested repetition operator {2}{3}"), ("a*??", 1, "invalid nested repetition"),
            ("a*?+", 1, "invalid nested repetition"), ("a?*", 1, "invalid nested repetition"),
            ("a\\Z", 1, "\\Z is not supported by Alertmanager's RE2 syntax; use \\z"), ("\\Ga", 0, "escape \\G"),
            ("a\\K", 1, "escape \\K"), ("\\R", 0, "escape \\R"), ("\\X", 0, "escape \\X"), ("\\h", 0, "escape \\h"),
            ("\\C", 0, "escape \\C"), ("\\e", 0, "escape \\e"), ("\\u0041", 0, "escape \\u"), ("\\E", 0, "escape \\E"),
            ("\\y", 0, "invalid escape \\y"), ("\\é", 0, "invalid escape \\é"),
            ("(?#note)a", 0, "comment (?#...)"), ("(?|a)", 0, "branch reset"), ("(?(1)a|b)", 0, "conditional group"),
            ("(?R)", 0, "recursion"), ("(?1)", 0, "recursion"), ("(?+1)", 0, "recursion"), ("(?&n)", 0, "recursion"),
            ("(?P>n)", 0, "recursion"), ("(?x)a", 2, "flag x in (?x is not supported"),
            ("(?-)a", 0, "no flag after -"), ("(?i-)a", 0, "no flag after -"), ("(?i--s)a", 0, "invalid flag group"),
            ("(?i", 0, "missing closing )"), ("(?:a", 0, "missing closing )"), ("(?'n'a)", 0, "invalid or unsupported"),
            ("\\p{Alphabetic}", 0, "unknown Unicode class \\p{Alphabetic}"), ("\\p{Latn}", 0, "unknown Unicode class"),
            ("\\p{Script=Greek}", 0, "unknown Unicode class"), ("\\pX", 0, "unknown Unicode class \\pX"),
            ("\\p{L", 0, "missing closing }"), ("\\p", 0, "missing Unicode class name"),
            ("[[:foo:]]", 1, "unknown POSIX class [:foo:]"), ("[[:perlSpace:]]", 1, "unknown POSIX class"),
            ("a{1001}", 1, "invalid repeat count {1001}"), ("a{2,1001}", 1, "invalid repeat count"),
            ("a{3,2}", 1, "minimum above maximum"), ("a{123456789012}", 1, "invalid repeat count"),
            ("*a", 0, "missing argument to repetition operator *"), ("a|*", 2, "missing argument"),
            ("(*)", 1, "missing argument"), ("(?i)*", 4, "missing argument"), ("{2}", 0, "missing argument"),
            ("(a", 0, "missing closing ) for the group"), ("a)", 1, "unexpected )"), ("[a", 0, "missing closing ]"),
            ("[]", 0, "missing closing ]"), ("[^]", 0, "missing closing ]"),
            ("[z-a]", 1, "invalid character class range z-a"),
            ("[a-\\d]", 3, "cannot be a range end"), ("[\\b]", 1, "escape \\b is not allowed inside"),
            ("a\\", 1, "trailing backslash"), ("\\x{110000}", 0, "not a Unicode scalar value"),
            ("\\x{D800}", 0, "not a Unicode"),
            ("\\xg1", 0, "invalid escape \\x"), ("\\x{}", 0, "invalid escape \\x"), ("\\x{41", 0, "invalid escape \\x"),
            ("(?P<a>x)(?P<a>y)", 12, "duplicate capture group name"), ("(?P<a-b>x)", 4, "invalid capture group name"),
            ("(?P<>x)", 4, "invalid capture group name"), ("(?P<a", 0, "missing >"),
        ])
    func rejected(pattern: String, offset: Int, message: String) {
        #expect {
            try Self.regex(pattern)
        } throws: { error in
            guard let error = error as? MatcherSyntaxError else { return false }
            return error.offset == offset && error.message.hasPrefix("regex: ") && error.message.contains(message)
        }
    }

    @Test("groups may nest up to the limit, not deeper")
    func nesting() throws {
        let limit = RE2Parser.maximumNesting
        let deep = String(repeating: "(", count: limit) + "a" + String(repeating: ")", count: limit)
        #expect(try Self.regex(deep).matches(["v": "a"]))
        let tooDeep = "(" + deep + ")"
        #expect(throws: MatcherSyntaxError.self) { try Self.regex(tooDeep) }
    }

    @Test("every Unicode class name RE2 knows compiles and means something to the engine")
    func unicodeClassNames() throws {
        for name in RE2UnicodeClassNames.generalCategories.union(RE2UnicodeClassNames.scripts).union(["Any"]) {
            let matcher = try Self.regex("\\p{\(name)}*")
            #expect(matcher.matches(["v": ""]), "\(name)")
        }
        #expect(try Self.regex("\\p{Cyrillic}").matches(["v": "Ж"]))
        #expect(try Self.regex("\\p{Old_Italic}").matches(["v": "\u{10300}"]))
        #expect(try Self.regex("\\p{Nd}").matches(["v": "\u{663}"]))
    }

    @Test("literal, alternation and prefix regexes take the byte-comparison shortcut with the same results")
    func shortcutsAgreeWithTheEngine() throws {
        let patterns = [
            "us-east-1", "a|bc|", "us-.*", "(?:us-).*", "us-(?s:.*)", "(us-)(.*?)", "", "é|e\u{301}", ".*", "(?s).*",
        ]
        let values = ["us-east-1", "us-", "us-\n", "us-east\n1", "a", "bc", "", "b", "\u{E9}", "e\u{301}", "US-east"]
        for pattern in patterns {
            let shortcut = try LabelValuePattern(re2: pattern)
            let engine = try NSRegularExpression(pattern: shortcut.icuPattern)
            for value in values {
                let viaEngine =
                    engine.firstMatch(in: value, range: NSRange(location: 0, length: value.utf16.count)) != nil
                #expect(shortcut.matches(value) == viaEngine, "\(pattern) against \(value.debugDescription)")
            }
        }
    }

    @Test("matching is safe from many tasks at once")
    func concurrentMatching() async throws {
        let set = AlertMatcherSet([
            try AlertMatcher(parsing: #"alertname=~"Primary.*Unhealthy""#),
            try AlertMatcher(parsing: #"region=~"(?i)us-(east|west)-\\d""#),
            try AlertMatcher(parsing: #"env!~"dev|test""#),
        ])
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for index in 0..<2_000 {
                        let matching = ["alertname": "PrimaryRegionUnhealthy", "region": "US-EAST-\(index % 10)"]
                        let other = ["alertname": "PrimaryRegionUnhealthy", "region": "eu-\(task)", "env": "prod"]
                        if !set.matches(matching) || set.matches(other) { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}

@Suite("RE2Program: linear-time matching without ICU")
struct RE2ProgramTests {
    static func pattern(_ source: String) throws -> LabelValuePattern {
        try LabelValuePattern(re2: source)
    }

    @Test("the simulation agrees with the ICU translation over a corpus of regexes and values")
    func agreesWithICU() throws {
        let patterns = [
            "us-(east|west)-[0-9]", "(?:api|web)-[0-9]+", "[a-z]+-[a-z]+-[0-9]", "(a|b){2,4}c?", "a{2,}b*",
            "(?i)prod(uction)?", "(?i)[a-c]+x", "(?i)[^k]+", "(?i)\\W", "\\bfoo\\b.*", "foo\\B.*", "(?m)a$\\n^b",
            "(?s).+", ".+", "[[:alpha:]]+[[:digit:]]*", "\\pL+\\pN*", "\\p{Lu}[^\\p{Lu}]*", "[\\d\\s]+", "(a*)*",
            "(a|ab)(c|bcd)(d*)", "x{0,3}y{1,2}", "(?U)a+?b", "[😀-😂]+", "e\u{301}+", "(?i)straße", "a|b|",
            "\\Q.*\\E+", "[^\\D]+", "(?i)\\p{Ll}+", "(?i)[[:^alpha:]]", "\\PL*",
        ]
        let values = [
            "", "a", "ab", "abcd", "aab", "aaab", "us-east-1", "us-west-9", "eu-west-1", "web-12", "api-", "ap-south-1",
            "ababc", "abbbc", "PROD", "Production", "abcx", "ABCX", "kK", "\u{212A}", "ſ", "x", "foo bar", "foobar",
            "foo", "a\nb", "a\n", "\n", "abc123", "ABC", "héllo12", "Abc", "AB", "1 2", "xxxyy", "y", "aaaab", "😀😁",
            "e\u{301}\u{301}", "STRASSE", "straße", "STRAẞE", ".*.*", "123", "ǅ", "µΜμ", "ı", "İ", "i", "I",
        ]
        for source in patterns {
            let compiled = try Self.pattern(source)
            #expect(!compiled.runsOnICU, "\(source)")
            let engine = try NSRegularExpression(pattern: compiled.icuPattern)
            for value in values {
                let viaICU = engine.firstMatch(in: value, range: NSRange(location: 0, length: value.utf16.count)) != nil
                #expect(compiled.matches(value) == viaICU, "\(source) against \(value.debugDescription)")
            }
        }
    }

    @Test("nested repetitions take linear time: a value that almost matches does not make matching backtrack")
    func noBacktracking() throws {
        let value = String(repeating: "a", count: 20_000) + "!"
        for source in ["(a+)+", "(a|aa)+", "(a*)*b", "(?:[a-z]+-?)+z", "(.*a){12}"] {
            let compiled = try Self.pattern(source)
            #expect(!compiled.runsOnICU)
            #expect(!compiled.matches(value), "\(source)")
            #expect(try AlertMatcher(name: "v", op: .matchesRegex, value: source).mayBacktrack == false)
        }
        #expect(try Self.pattern("(a+)+").matches(String(repeating: "a", count: 20_000)))
    }

    @Test("a regex with a script class runs on ICU, and nested repetitions in it are flagged")
    func scriptClassesUseICU() throws {
        #expect(try Self.pattern("\\p{Greek}+").runsOnICU)
        #expect(try Self.pattern("[\\p{Han}a]").runsOnICU)
        #expect(try !Self.pattern("\\p{L}+").runsOnICU)
        #expect(try AlertMatcher(name: "v", op: .matchesRegex, value: "(\\p{Greek}+)+").mayBacktrack)
    }

    @Test("a regex whose counted repetitions expand past the limit is refused with a message that says so")
    func tooLarge() {
        #expect {
            try Self.pattern("(a{1000}){1000}")
        } throws: { error in
            (error as? RE2SyntaxError)?.message.contains("too large") == true
        }
        #expect(throws: Never.self) { try Self.pattern("(a{100}){100}") }
    }

    @Test(
        "simple case folding as RE2 applies it",
        arguments: [
            ("K", "k"), ("\u{212A}", "k"), ("k", "k"), ("S", "s"), ("\u{17F}", "s"), ("ß", "ß"), ("\u{1E9E}", "ß"),
            ("ı", "ı"), ("İ", "İ"), ("I", "i"), ("µ", "μ"), ("Μ", "μ"), ("ς", "σ"), ("\u{3D1}", "θ"), ("ǅ", "ǆ"),
            ("\u{AB70}", "\u{13A0}"), ("\u{13A0}", "\u{13A0}"), ("1", "1"), ("日", "日"),
        ] as [(Unicode.Scalar, Unicode.Scalar)])
    func folding(scalar: Unicode.Scalar, fold: Unicode.Scalar) {
        #expect(SimpleCaseFolding.fold(scalar) == fold)
        #expect(SimpleCaseFolding.orbit(of: scalar).contains(scalar))
        #expect(SimpleCaseFolding.orbit(of: scalar).allSatisfy { SimpleCaseFolding.fold($0) == fold })
    }
}
