import FailoverCore
import FailoverTestSupport
import Foundation
import Testing

/// Alertmanager's own Go code decides the same matches: every matcher below is put into a routing tree, once per
/// label `v0`, `v1`, ..., each label holding one of the values, and `amtool config routes test` reports which
/// routes match. `make test` installs amtool (Debian's prometheus-alertmanager).
@Suite(
    "AlertMatcher agrees with Alertmanager's matching (amtool)",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/amtool")))
struct AlertMatcherAlertmanagerParityTests {
    static let matchers: [(AlertMatcher.Operator, String)] = [
        (.matchesRegex, "us-.*"), (.matchesRegex, "us"), (.matchesRegex, ".*east.*"),
        (.matchesRegex, "(?:api|web)-[0-9]+"), (.matchesRegex, "(api|web|worker)-\\d{2,3}"), (.matchesRegex, "[^a-z]+"),
        (.matchesRegex, "(?s)us-.*"), (.matchesRegex, "a$"), (.matchesRegex, "(?m)a$\\nb"), (.matchesRegex, "a\\n^b"),
        (.matchesRegex, "a\\n(?m)^b"), (.matchesRegex, "."), (.matchesRegex, ".."), (.matchesRegex, "(?s).."),
        (.matchesRegex, "..."), (.matchesRegex, "(?i)prod"), (.matchesRegex, "(?i)k"), (.matchesRegex, "(?i)ß"),
        (.matchesRegex, "(?i)ss"), (.matchesRegex, "(?i)[^a]"), (.matchesRegex, "(?i)straße"), (.matchesRegex, "\\d"),
        (.matchesRegex, "\\pN"), (.matchesRegex, "\\w+"), (.matchesRegex, "\\W"), (.matchesRegex, "\\s"),
        (.matchesRegex, "[[:space:]]"), (.matchesRegex, "x\\bé"), (.matchesRegex, "é\\b"), (.matchesRegex, "foo\\b.*"),
        (.matchesRegex, "foo\\B.*"), (.matchesRegex, "[[:alpha:]]+"), (.matchesRegex, "\\pL+"),
        (.matchesRegex, "\\p{Greek}+"), (.matchesRegex, "\\PL"), (.matchesRegex, "\\p{^Greek}+"),
        (.matchesRegex, "[\\p{Han}\\p{Hiragana}]+"), (.matchesRegex, "e\u{301}+"), (.matchesRegex, "\u{E9}"),
        (.matchesRegex, "日本.*"), (.matchesRegex, "[😀-😂]"), (.matchesRegex, "\\x{1F600}"), (.matchesRegex, "\\101"),
        (.matchesRegex, "a{,2}"), (.matchesRegex, "a{2}"), (.matchesRegex, "a{"), (.matchesRegex, "[]a]+"),
        (.matchesRegex, "[a&&b]+"), (.matchesRegex, "[a-c--b]"), (.matchesRegex, "\\Q.*\\E"),
        (.matchesRegex, "\\Qab\\E*"),
        (.matchesRegex, "(?P<r>us)-[a-z]+"), (.matchesRegex, "(?U)a+"), (.matchesRegex, "(a*)*"),
        (.matchesRegex, "^*a"),
        (.matchesRegex, "a|"), (.matchesRegex, ""), (.matchesRegex, ".*"), (.matchesRegex, ".+"),
        (.matchesRegex, "(?i)\\p{Lu}+"), (.matchesRegex, "[\\d\\s]+"), (.matchesRegex, "[^\\D]"),
        (.matchesRegex, "(?i)\\W"), (.matchesRegex, "(?i)[\\W]"), (.matchesRegex, "(?i)[^a-z]"),
        (.matchesRegex, "(?i)[^\\p{Lu}]"), (.matchesRegex, "(?i)[[:^alpha:]]"), (.matchesRegex, "(?i)\\D"),
        (.matchesRegex, "(?i)[k]"), (.matchesRegex, "(?i)[^k]"), (.matchesRegex, "(?i)\\x{17F}"),
        (.matchesRegex, "(?i)i"), (.matchesRegex, "(?i)ı"), (.matchesRegex, "(?i)[i-j]"), (.matchesRegex, "(?i)µ"),
        (.matchesRegex, "(?i)[^σ]"), (.matchesRegex, "(?i)\\pL{2}"), (.matchesRegex, "\\pC"),
        (.notMatchesRegex, "dev|test"), (.notMatchesRegex, ""), (.notMatchesRegex, ".*"), (.notMatchesRegex, "us-.*"),
        (.equal, ""), (.notEqual, ""), (.equal, "us-east"), (.equal, "\u{E9}"), (.notEqual, "PROD"),
    ]

    /// Values amtool can take on its command line: no surrounding whitespace, backslashes, quotes or commas.
    static let values: [String] = [
        "us-east", "us-east-1", "eu-us-1", "us", "web-12", "worker-123", "worker-1234", "ABC", "AbC", "us-\nx", "a",
        "a\nb", "x\r\ny", "PROD", "prod", "\u{212A}", "ss", "ß", "ẞ", "A", "STRASSE", "straße", "\u{663}", "\u{E9}",
        "e\u{301}", "e\u{301}\u{301}", "x\u{E9}", "foo bar", "foobar", "abcXYZ", "héllo", "αβγ", "1", "1 2", "日本ひ",
        "日本語", "\u{17F}", "k", "K", "😁", "😀", "a{,2}", "aa", "a{", "]a]", "&ab", "-", ".*", "abbb", "abab", "aaa",
        "dev", "test", "ı", "İ", "I", "i", "Μ", "μ", "ς", "Σ", "\u{AD}", "\u{378}", "",
    ]

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    @Test("every matcher against every value, and against a missing label")
    func agrees() throws {
        // Column `values.count` is a label no alert carries.
        let columns = Self.values.count + 1
        var routes = "route:\n  receiver: none\n  routes:\n"
        var receivers = "receivers:\n  - name: none\n"
        var labels: [String: String] = [:]
        for (index, value) in Self.values.enumerated() { labels["v\(index)"] = value }
        var expected: Set<String> = []
        for (row, (op, value)) in Self.matchers.enumerated() {
            for column in 0..<columns {
                let matcher = try AlertMatcher(name: "v\(column)", op: op, value: value)
                let receiver = "r\(row)_\(column)"
                let text = matcher.description.replacingOccurrences(of: "'", with: "''")
                routes += "    - receiver: \(receiver)\n      matchers: ['\(text)']\n      continue: true\n"
                receivers += "  - name: \(receiver)\n"
                if matcher.matches(labels) { expected.insert(receiver) }
            }
        }
        let directory = NSTemporaryDirectory() + "failoverd-parity-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try (routes + receivers).write(toFile: directory + "/alertmanager.yml", atomically: false, encoding: .utf8)
        let arguments = Self.values.enumerated().map { Self.shellQuoted("v\($0.offset)=\($0.element)") }
        let (status, output) = try ShellCommand.runBlocking(
            "amtool config routes test --config.file=alertmanager.yml " + arguments.joined(separator: " "),
            in: directory)
        try #require(status == 0, "\(output)")
        let reported = output.split(separator: "\n").filter { !$0.hasPrefix("Warning:") }
            .flatMap { $0.split(separator: ",") }.map(String.init).filter { $0 != "none" }
        let actual = Set(reported)
        func describe(_ receivers: Set<String>) -> [String] {
            receivers.sorted().map { receiver in
                let parts = receiver.dropFirst().split(separator: "_").compactMap { Int($0) }
                let (op, pattern) = Self.matchers[parts[0]]
                let value = parts[1] < Self.values.count ? Self.values[parts[1]].debugDescription : "(missing)"
                return "\(op.rawValue)\(pattern.debugDescription) against \(value)"
            }
        }
        #expect(actual.count > 100, "amtool reported too little: \(output.prefix(500))")
        #expect(describe(expected.subtracting(actual)) == [], "failoverd matches, Alertmanager does not")
        #expect(describe(actual.subtracting(expected)) == [], "Alertmanager matches, failoverd does not")
    }
}
