import FailoverCore
import Foundation
import Testing

@Suite("RunbookTemplate: {{ variable }} substitution")
struct RunbookTemplateTests {
    static let context = TemplateContext(
        labels: [
            "region": "us-east-1", "quote": #"say "hi" \ bye"#, "control": "a\u{01}b\tc\nd\r\u{1F}",
            "unicode": "日本 é 😀", "url": "a b&c/d?e=f#g%h+i~j", "empty": "",
        ],
        annotations: ["summary": "Primary region unhealthy", "runbook_url": "https://example/r"],
        runbook: "promote-secondary", executionID: 42, incidentID: 7, executionKind: "failover")

    static func render(
        _ text: String, _ escaping: TemplateEscaping = .none, context: TemplateContext = context
    ) throws
        -> String
    {
        try RunbookTemplate(parsing: text).render(context, escaping: escaping)
    }

    @Test(
        "every variable renders, with or without spaces inside the braces",
        arguments: [
            ("/usr/local/bin/promote {{ labels.region }}", "/usr/local/bin/promote us-east-1"),
            ("{{labels.region}}", "us-east-1"), ("{{  labels.region\t}}", "us-east-1"),
            ("{{ annotations.summary }}", "Primary region unhealthy"), ("{{ runbook }}", "promote-secondary"),
            ("{{ execution_id }}", "42"), ("{{ incident_id }}", "7"), ("{{ kind }}", "failover"),
            ("{{runbook}}/{{kind}}#{{execution_id}}", "promote-secondary/failover#42"),
            ("no placeholders", "no placeholders"), ("", ""),
            ("a } b }} c { d {x} {", "a } b }} c { d {x} {"), ("{ {{ kind }} }", "{ failover }"),
            ("{{ kind }}}}", "failover}}"), ("日本 {{ kind }} 😀", "日本 failover 😀"),
        ])
    func renders(text: String, expected: String) throws {
        #expect(try Self.render(text) == expected)
    }

    @Test("a missing label, annotation or incident id renders as the empty string")
    func missingValues() throws {
        let noIncident = TemplateContext(
            labels: [:], annotations: [:], runbook: "r", executionID: -1, incidentID: nil, executionKind: "failback")
        let text = "[{{ labels.nope }}][{{ annotations.nope }}][{{ incident_id }}][{{ execution_id }}][{{ kind }}]"
        for escaping in [TemplateEscaping.none, .json, .urlComponent] {
            #expect(try Self.render(text, escaping, context: noIncident) == "[][][][-1][failback]")
        }
        #expect(try Self.render("{{ labels.empty }}|") == "|")
    }

    @Test(
        ".none leaves values raw; .json escapes them for a string literal; .urlComponent percent-encodes them",
        arguments: [
            ("{{ labels.quote }}", TemplateEscaping.none, #"say "hi" \ bye"#),
            ("{{ labels.quote }}", .json, #"say \"hi\" \\ bye"#),
            ("{{ labels.quote }}", .urlComponent, "say%20%22hi%22%20%5C%20bye"),
            ("{{ labels.control }}", .none, "a\u{01}b\tc\nd\r\u{1F}"),
            ("{{ labels.control }}", .json, #"a\u0001b\tc\nd\r\u001f"#),
            ("{{ labels.control }}", .urlComponent, "a%01b%09c%0Ad%0D%1F"),
            ("{{ labels.unicode }}", .none, "日本 é 😀"), ("{{ labels.unicode }}", .json, "日本 é 😀"),
            ("{{ labels.unicode }}", .urlComponent, "%E6%97%A5%E6%9C%AC%20%C3%A9%20%F0%9F%98%80"),
            ("{{ labels.url }}", .urlComponent, "a%20b%26c%2Fd%3Fe%3Df%23g%25h%2Bi~j"),
            ("{{ annotations.runbook_url }}", .urlComponent, "https%3A%2F%2Fexample%2Fr"),
            ("A-Z_a.z~0-9", .urlComponent, "A-Z_a.z~0-9"),
            (
                #"{"text":"failover {{ runbook }} done: {{ labels.quote }}"}"#, .json,
                #"{"text":"failover promote-secondary done: say \"hi\" \\ bye"}"#
            ),
            (
                "/regions/{{ labels.url }}?q={{ labels.unicode }}", .urlComponent,
                "/regions/a%20b%26c%2Fd%3Fe%3Df%23g%25h%2Bi~j?q=%E6%97%A5%E6%9C%AC%20%C3%A9%20%F0%9F%98%80"
            ),
            ("\"{{ labels.quote }}\"\n", .json, "\"say \\\"hi\\\" \\\\ bye\"\n"),
        ])
    func escaping(text: String, escaping: TemplateEscaping, expected: String) throws {
        #expect(try Self.render(text, escaping) == expected)
    }

    @Test("references list every placeholder with the offset of its {{, in Unicode scalars")
    func references() throws {
        let template = try RunbookTemplate(
            parsing: "é😀 {{ labels.region }}-{{annotations.summary}} {{ runbook }}{{ execution_id }}"
                + "{{ incident_id }}{{ kind }}{{ labels.region }}")
        #expect(
            template.references == [
                TemplatePlaceholder(reference: .label("region"), offset: 3),
                TemplatePlaceholder(reference: .annotation("summary"), offset: 23),
                TemplatePlaceholder(reference: .runbook, offset: 47),
                TemplatePlaceholder(reference: .executionID, offset: 60),
                TemplatePlaceholder(reference: .incidentID, offset: 78),
                TemplatePlaceholder(reference: .executionKind, offset: 95),
                TemplatePlaceholder(reference: .label("region"), offset: 105),
            ])
        #expect(!template.isLiteral)
        #expect(try RunbookTemplate(parsing: "plain { } }} text").isLiteral)
        #expect(try RunbookTemplate(parsing: "plain").references.isEmpty)
        #expect(
            template.references.map(\.reference.description) == [
                "labels.region", "annotations.summary", "runbook", "execution_id", "incident_id", "kind",
                "labels.region",
            ])
    }

    @Test("source, description and equality")
    func sourceAndEquality() throws {
        let text = "promote {{ labels.region }}"
        let template = try RunbookTemplate(parsing: text)
        #expect(template.source == text)
        #expect(template.description == text)
        #expect(template == (try RunbookTemplate(parsing: text)))
        #expect(template != (try RunbookTemplate(parsing: "promote {{labels.region}}")))
        #expect(Set([template, try RunbookTemplate(parsing: text)]).count == 1)
        #expect(TemplateSyntaxError(offset: 3, message: "m").description == "offset 3: m")
    }

    static let unknown = "known: labels.NAME, annotations.NAME, runbook, execution_id, incident_id, kind"

    @Test(
        "syntax errors carry the offset of the problem",
        arguments: [
            ("abc {{ labels.region", 4, "unterminated {{"), ("{{", 0, "unterminated {{"),
            ("x {{ kind }", 2, "unterminated"),
            ("é {{ kind } }", 2, "unterminated"),
            ("{{}}", 0, "empty placeholder"), ("a {{   }}", 2, "empty placeholder"), ("{{\t}}", 0, "empty placeholder"),
            ("{{ foo }}", 3, "unknown template variable foo; " + unknown),
            ("x{{foo.bar}}", 3, "unknown template variable foo.bar; " + unknown),
            ("{{ Labels.region }}", 3, "unknown template variable Labels.region"),
            ("{{ labels }}", 3, "labels needs a label name: labels.NAME"),
            ("{{ annotations }}", 3, "annotations needs an annotation name: annotations.NAME"),
            ("{{ labels. }}", 10, "expected a label name after labels."),
            ("{{ labels.1a }}", 10, "expected a label name after labels."),
            ("{{ labels.a-b }}", 11, "unexpected '-' in placeholder"),
            ("{{ labels.a.b }}", 11, "labels.a has no fields"), ("{{ runbook.name }}", 10, "runbook has no fields"),
            (#"{{ labels["weird-name"] }}"#, 9, "labels[...] is not supported"),
            ("{{ kind kind }}", 8, "unexpected 'k' in placeholder: a placeholder holds one variable"),
            ("{{ kind | upper }}", 8, "unexpected '|'"), ("{{ 'kind' }}", 3, "unexpected ''' in placeholder"),
            ("{{#labels}}x{{/labels}}", 2, "mustache sections ({{#...}}) are not supported"),
            ("{{/labels}}", 2, "mustache section ends"), ("{{^labels}}x{{/labels}}", 2, "inverted sections"),
            ("{{> partial}}", 2, "partials ({{>...}}) are not supported"),
            ("x {{{ labels.region }}}", 4, "triple braces ({{{...}}}) are not supported"),
            ("{{& labels.region }}", 2, "unescaped variables ({{&...}})"), ("{{! note }}", 2, "mustache comments"),
            ("{{=<% %>=}}", 2, "delimiter changes"), ("{{< parent}}", 2, "mustache parents"),
            ("{{$ block}}", 2, "mustache blocks"), ("{{% pragma}}", 2, "mustache pragmas"),
            ("{{ # labels }}", 3, "mustache sections"), ("{{#", 2, "mustache sections"),
            ("ok {{ kind }} then {{ nope }}", 22, "unknown template variable nope"),
        ])
    func syntaxErrors(text: String, offset: Int, message: String) {
        #expect {
            try RunbookTemplate(parsing: text)
        } throws: { error in
            guard let error = error as? TemplateSyntaxError else { return false }
            return error.offset == offset && error.message.contains(message)
        }
    }

    @Test("json rendering inside a string literal always gives valid JSON that decodes to the raw rendering")
    func jsonAlwaysValid() throws {
        var generator = SplitMix64(seed: 0x5EED_F00D)
        let alphabet: [Unicode.Scalar] =
            (0x00...0x24).map { Unicode.Scalar($0)! } + ["\\", "\"", "/", "{", "}", "a", "Z", "é", "\u{7F}", "\u{80}"]
            + ["\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFF}", "😀", "\u{10FFFF}", "\u{301}", "日"]
        let template = try RunbookTemplate(parsing: "pre {{ labels.v }} mid {{ annotations.w }}{{ runbook }} post")
        for _ in 0..<2_000 {
            func randomText() -> String {
                var text = ""
                for _ in 0..<Int(generator.next() % 12) {
                    text.unicodeScalars.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
                }
                return text
            }
            let context = TemplateContext(
                labels: ["v": randomText()], annotations: ["w": randomText()], runbook: randomText(), executionID: 1,
                incidentID: nil, executionKind: "failover")
            let rendered = template.render(context, escaping: .json)
            let raw = template.render(context, escaping: .none)
            let document = "[\"" + rendered + "\"]"
            let parsed = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String]
            // Foundation's parser on Linux drops a U+FEFF that starts a string or follows an escape, so its result
            // is compared without them; the project's own reader must give back every scalar.
            func withoutByteOrderMarks(_ text: String) -> [Unicode.Scalar] {
                text.unicodeScalars.filter { $0 != "\u{FEFF}" }
            }
            #expect(parsed?.first.map(withoutByteOrderMarks) == withoutByteOrderMarks(raw), "\(document)")
            let webhook = JSONTests.webhook(alertLabels: #"{"alertname":""# + rendered + #""}"#)
            let decoded = try AlertmanagerWebhook.decode(Array(webhook.utf8)).alerts[0].labels["alertname"]
            #expect(decoded.map { $0.unicodeScalars.elementsEqual(raw.unicodeScalars) } == true, "\(document)")
        }
    }
}

/// A small deterministic generator, so the property test is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49EB_133B_111F
        return value ^ (value >> 31)
    }
}
