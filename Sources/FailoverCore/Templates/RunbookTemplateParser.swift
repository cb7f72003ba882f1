/// Splits a runbook template into literal text and `{{ variable }}` placeholders.
enum RunbookTemplateParser {
    /// The parse of a template.
    struct Parsed {
        /// Text and variables in order.
        var segments: [RunbookTemplate.Segment] = []
        /// The placeholders with their offsets.
        var placeholders: [TemplatePlaceholder] = []
    }

    static let knownVariables = "labels.NAME, annotations.NAME, runbook, execution_id, incident_id, kind"
    private static let onlySubstitution = "a runbook template only substitutes {{ variable }}"

    /// Mustache tags other than a plain variable, by the character that opens them, with what to say.
    private static let mustacheTags: [Unicode.Scalar: String] = [
        "#": "mustache sections ({{#...}}) are not supported",
        "^": "mustache inverted sections ({{^...}}) are not supported",
        "/": "mustache section ends ({{/...}}) are not supported",
        ">": "mustache partials ({{>...}}) are not supported",
        "{": "triple braces ({{{...}}}) are not supported: values are escaped for where the template is used",
        "&": "unescaped variables ({{&...}}) are not supported: values are escaped for where the template is used",
        "!": "mustache comments ({{!...}}) are not supported",
        "=": "mustache delimiter changes ({{=...=}}) are not supported",
        "<": "mustache parents ({{<...}}) are not supported",
        "$": "mustache blocks ({{$...}}) are not supported",
        "%": "mustache pragmas ({{%...}}) are not supported",
    ]

    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    private static func isNameContinuation(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || ("0"..."9").contains(scalar)
    }

    /// Parses `text`.
    static func parse(_ text: String) throws(TemplateSyntaxError) -> Parsed {
        let scalars = Array(text.unicodeScalars)
        var parsed = Parsed()
        var literal = ""
        var index = 0
        func flushLiteral() {
            if !literal.isEmpty { parsed.segments.append(.text(Array(literal.utf8))) }
            literal = ""
        }
        while index < scalars.count {
            guard scalars[index] == "{", index + 1 < scalars.count, scalars[index + 1] == "{" else {
                literal.unicodeScalars.append(scalars[index])
                index += 1
                continue
            }
            let (reference, end) = try parsePlaceholder(scalars, at: index)
            flushLiteral()
            parsed.segments.append(.variable(reference))
            parsed.placeholders.append(TemplatePlaceholder(reference: reference, offset: index))
            index = end
        }
        flushLiteral()
        return parsed
    }

    /// The placeholder whose `{{` is at `start`, and the offset just past its `}}`.
    private static func parsePlaceholder(
        _ scalars: [Unicode.Scalar], at start: Int
    ) throws(TemplateSyntaxError) -> (TemplateReference, Int) {
        func fail(_ message: String, at offset: Int) -> TemplateSyntaxError {
            TemplateSyntaxError(offset: offset, message: message)
        }
        var position = start + 2
        if position < scalars.count, let tag = mustacheTags[scalars[position]] {
            throw fail("\(tag): \(onlySubstitution)", at: position)
        }
        var close = position
        while close + 1 < scalars.count, !(scalars[close] == "}" && scalars[close + 1] == "}") { close += 1 }
        guard close + 1 < scalars.count else { throw fail("unterminated {{: no closing }}", at: start) }
        func skipSpaces() {
            while position < close, scalars[position] == " " || scalars[position] == "\t" { position += 1 }
        }
        func character(_ offset: Int) -> String { String(Character(scalars[offset])) }
        func identifier() -> String {
            var name = ""
            while position < close, isNameContinuation(scalars[position]) {
                name.unicodeScalars.append(scalars[position])
                position += 1
            }
            return name
        }

        skipSpaces()
        guard position < close else {
            throw fail("empty placeholder {{ }}: known variables are \(knownVariables)", at: start)
        }
        let rootStart = position
        if let tag = mustacheTags[scalars[position]], scalars[position] != "{" {
            throw fail("\(tag): \(onlySubstitution)", at: position)
        }
        guard isNameStart(scalars[position]) else {
            throw fail(
                "unexpected '\(character(position))' in placeholder: expected a variable (\(knownVariables))",
                at: position)
        }
        let root = identifier()
        let reference: TemplateReference
        switch root {
        case "labels", "annotations":
            let aName = root == "labels" ? "a label name" : "an annotation name"
            guard position < close, scalars[position] == "." else {
                if position < close, scalars[position] == "[" {
                    throw fail(
                        "\(root)[...] is not supported: write \(root).NAME, NAME matching [a-zA-Z_][a-zA-Z0-9_]*",
                        at: position)
                }
                throw fail("\(root) needs \(aName): \(root).NAME", at: rootStart)
            }
            position += 1
            let nameStart = position
            guard position < close, isNameStart(scalars[position]) else {
                throw fail("expected \(aName) after \(root).", at: nameStart)
            }
            let name = identifier()
            reference = root == "labels" ? .label(name) : .annotation(name)
        case "runbook": reference = .runbook
        case "execution_id": reference = .executionID
        case "incident_id": reference = .incidentID
        case "kind": reference = .executionKind
        default:
            var path = root
            while position < close, scalars[position] == "." || isNameContinuation(scalars[position]) {
                path.unicodeScalars.append(scalars[position])
                position += 1
            }
            throw fail("unknown template variable \(path); known: \(knownVariables)", at: rootStart)
        }
        if position < close, scalars[position] == "." {
            throw fail("\(reference) has no fields", at: position)
        }
        skipSpaces()
        guard position == close else {
            throw fail(
                "unexpected '\(character(position))' in placeholder: a placeholder holds one variable, such as "
                    + "{{ labels.region }}", at: position)
        }
        return (reference, close + 2)
    }
}
