import FailoverCore
import Testing

@Suite("AlertMatcher: parsing Alertmanager matchers")
struct AlertMatcherTests {
    @Test(
        "valid matchers: every operator, whitespace, unquoted values, escapes, unicode",
        arguments: [
            (
                #"alertname="PrimaryRegionUnhealthy""#, "alertname", AlertMatcher.Operator.equal,
                "PrimaryRegionUnhealthy"
            ),
            (#"severity!="info""#, "severity", .notEqual, "info"),
            (#"region=~"us-.*""#, "region", .matchesRegex, "us-.*"),
            (#"env!~"dev|test""#, "env", .notMatchesRegex, "dev|test"),
            (#"  region  =~  "us-.*"  "#, "region", .matchesRegex, "us-.*"),
            ("a\t=\t\"b\"\t", "a", .equal, "b"),
            (#"a ="b""#, "a", .equal, "b"),
            (#"a= "b""#, "a", .equal, "b"),
            ("severity=critical", "severity", .equal, "critical"),
            ("severity = critical", "severity", .equal, "critical"),
            ("region=~us-.*", "region", .matchesRegex, "us-.*"),
            ("foo!=bar", "foo", .notEqual, "bar"),
            ("foo!~b.r", "foo", .notMatchesRegex, "b.r"),
            ("city=Zürich", "city", .equal, "Zürich"),
            ("n=1", "n", .equal, "1"),
            (#"_x="1""#, "_x", .equal, "1"),
            (#"A9_b="1""#, "A9_b", .equal, "1"),
            (#"a="""#, "a", .equal, ""),
            (#"a!="""#, "a", .notEqual, ""),
            (#"a=~"""#, "a", .matchesRegex, ""),
            (#"a="say \"hi\"""#, "a", .equal, #"say "hi""#),
            (#"a="back\\slash""#, "a", .equal, #"back\slash"#),
            (#"a="line\nbreak""#, "a", .equal, "line\nbreak"),
            (#"a="\a\b\f\r\t\v""#, "a", .equal, "\u{07}\u{08}\u{0C}\r\t\u{0B}"),
            (#"a="\x41\101\u00e9\U0001F600""#, "a", .equal, "AAé😀"),
            (#"a="\xc3\xa9""#, "a", .equal, "é"),
            (#"a="\303\251""#, "a", .equal, "é"),
            ("a=\"tab\tinside\"", "a", .equal, "tab\tinside"),
            (#"a="日本語 😀""#, "a", .equal, "日本語 😀"),
            (#"a="{}!=~,'`""#, "a", .equal, "{}!=~,'`"),
            (#"re=~"\\d+""#, "re", .matchesRegex, #"\d+"#),
        ])
    func parses(text: String, name: String, op: AlertMatcher.Operator, value: String) throws {
        let matcher = try AlertMatcher(parsing: text)
        #expect(matcher.name == name)
        #expect(matcher.op == op)
        #expect(matcher.value.unicodeScalars.elementsEqual(value.unicodeScalars))
    }

    @Test(
        "syntax errors carry the offset of the problem",
        arguments: [
            ("", 0, "empty matcher"),
            ("   ", 3, "empty matcher"),
            (#"="x""#, 0, "missing label name"),
            (#"  !="x""#, 2, "missing label name"),
            (#"9abc="x""#, 0, "invalid label name"),
            (#"-a="x""#, 0, "invalid label name"),
            (#"é="x""#, 0, "invalid label name"),
            (#"foo-bar="x""#, 3, "invalid character '-' in label name"),
            (#"foo.bar="x""#, 3, "invalid character '.' in label name"),
            (#"foo:bar="x""#, 3, "invalid character ':' in label name"),
            (#""foo"="x""#, 0, "quoted label names are not supported"),
            (#"{foo="x"}"#, 0, "braces are not part of a matcher"),
            ("foo", 3, "missing operator"),
            ("foo  ", 5, "missing operator"),
            (#"foo "x""#, 4, "expected an operator"),
            (#"foo bar="x""#, 4, "expected an operator"),
            (#"foo~="x""#, 3, "invalid character '~' in label name"),
            (#"foo!"x""#, 3, "invalid operator"),
            (#"foo=="x""#, 4, "unexpected '=' at the start of the value"),
            ("foo=~", 5, "missing value"),
            ("foo= ", 5, "missing value"),
            (#"foo="bar"#, 4, "unterminated quoted value"),
            (#"foo="bar\""#, 4, "unterminated quoted value"),
            (#"foo=""#, 4, "unterminated quoted value"),
            (#"foo="bar"baz"#, 9, "unexpected text after the quoted value"),
            (#"foo="bar" x"#, 10, "unexpected text after the quoted value"),
            (#"foo="bar", x="y""#, 9, "one matcher per entry"),
            ("foo=bar,baz=qux", 7, "one matcher per entry"),
            ("foo=bar baz", 8, "unexpected text after the value"),
            (#"foo=bar"baz""#, 7, #"unexpected '"' in the unquoted value"#),
            ("foo=a\\b", 5, "unexpected '\\' in the unquoted value"),
            ("foo=~a{2}", 6, "unexpected '{' in the unquoted value"),
            (#"foo="a\qb""#, 6, "invalid escape \\q"),
            (#"foo=~"\d+""#, 6, "for a regex escape such as \\d, write \\\\d"),
            (#"foo="\'""#, 5, "invalid escape \\'"),
            (#"foo="\x4""#, 5, "invalid escape \\x"),
            (#"foo="\xzz""#, 5, "invalid escape \\x"),
            (#"foo="\400""#, 5, "above \\377"),
            (#"foo="\12""#, 5, "three octal digits"),
            (#"foo="\ud800""#, 5, "invalid escape \\u"),
            (#"foo="\u12""#, 5, "invalid escape \\u"),
            (#"foo="\U00110000""#, 5, "invalid escape \\U"),
            (#"foo="\xff""#, 4, "do not form valid UTF-8"),
            ("foo=\"a\nb\"", 6, "newline inside the quoted value"),
            (#"x="😀" y"#, 6, "unexpected text"),
        ])
    func syntaxErrors(text: String, offset: Int, message: String) {
        #expect {
            try AlertMatcher(parsing: text)
        } throws: { error in
            guard let error = error as? MatcherSyntaxError else { return false }
            return error.offset == offset && error.message.contains(message)
        }
    }

    @Test(
        "regex errors point into the matcher text, through escapes",
        arguments: [
            (#"foo=~"(?=x)""#, 6, "regex: lookahead (?=...) is not supported by Alertmanager's RE2 syntax"),
            (#"foo =~ "a(?=x)""#, 9, "regex: lookahead"),
            (#"foo=~"\\1""#, 6, "regex: backreference \\1"),
            (#"foo=~"a\\1""#, 7, "regex: backreference \\1"),
            (#"foo=~"\u00e9(?<=a)""#, 12, "regex: lookbehind"),
            (#"foo=~"a\\""#, 7, "regex: trailing backslash"),
            ("foo=~a(", 6, "regex: missing closing )"),
            (#"foo=~"a)""#, 7, "regex: unexpected )"),
            (#"foo!~"[a""#, 6, "regex: missing closing ]"),
            (#"foo=~"a*+""#, 7, "regex: possessive quantifier *+"),
        ])
    func regexErrors(text: String, offset: Int, message: String) {
        #expect {
            try AlertMatcher(parsing: text)
        } throws: { error in
            guard let error = error as? MatcherSyntaxError else { return false }
            return error.offset == offset && error.message.contains(message)
        }
    }

    @Test("a matcher's description is canonical and parses back to an equal matcher")
    func descriptionRoundTrip() throws {
        let texts = [
            "severity=critical", #"region =~ "us-.*""#, #"a="say \"hi\"\n\\ \t end""#, #"a!="""#, #"b!~"x|y""#,
            #"u="日本 \u00e9""#, #"q="{}!=~,'`""#,
        ]
        for text in texts {
            let matcher = try AlertMatcher(parsing: text)
            #expect(try AlertMatcher(parsing: matcher.description) == matcher, "\(text)")
        }
        #expect(try AlertMatcher(parsing: "severity = critical").description == #"severity="critical""#)
        #expect(try AlertMatcher(parsing: #"a="q\"b\\s\nl""#).description == #"a="q\"b\\s\nl""#)
        #expect(try AlertMatcher(parsing: #"a=~"\x41""#).description == #"a=~"A""#)
    }

    @Test("init(name:op:value:) checks the name and the regex")
    func initFromParts() throws {
        let matcher = try AlertMatcher(name: "region", op: .matchesRegex, value: "us-.*")
        #expect(matcher == (try AlertMatcher(parsing: #"region=~"us-.*""#)))
        #expect(matcher.matches(["region": "us-east-1"]))
        let cases: [(String, AlertMatcher.Operator, String, Int, String)] = [
            ("", .equal, "x", 0, "empty label name"),
            ("1a", .equal, "x", 0, "invalid label name"),
            ("a-b", .equal, "x", 0, "invalid character '-'"),
            ("ok", .matchesRegex, "ab(?!c)", 2, "regex: negative lookahead"),
            ("ok", .notMatchesRegex, "é(", 1, "regex: missing closing )"),
        ]
        for (name, op, value, offset, message) in cases {
            #expect {
                try AlertMatcher(name: name, op: op, value: value)
            } throws: { error in
                guard let error = error as? MatcherSyntaxError else { return false }
                return error.offset == offset && error.message.contains(message)
            }
        }
        // Equality operators take any value, regex syntax included.
        #expect(try AlertMatcher(name: "a", op: .equal, value: "(?=").value == "(?=")
    }

    @Test("equality and hashing compare values by Unicode scalars")
    func hashable() throws {
        let quoted = try AlertMatcher(parsing: #"a="x""#)
        let unquoted = try AlertMatcher(parsing: "a = x")
        #expect(quoted == unquoted)
        #expect(Set([quoted, unquoted]).count == 1)
        let precomposed = try AlertMatcher(name: "a", op: .equal, value: "\u{E9}")
        let decomposed = try AlertMatcher(name: "a", op: .equal, value: "e\u{301}")
        #expect(precomposed != decomposed)
        #expect(try AlertMatcher(parsing: #"a!="x""#) != quoted)
    }

    @Test("the error's description gives offset and message")
    func errorDescription() {
        #expect(
            MatcherSyntaxError(offset: 4, message: "unterminated quoted value").description
                == "offset 4: unterminated quoted value")
    }
}
