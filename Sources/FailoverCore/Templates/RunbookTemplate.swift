/// A runbook string with `{{ ... }}` placeholders, parsed once at configuration load:
/// `"/usr/local/bin/promote {{ labels.region }}"`, `'{"text":"failover {{ runbook }} done"}'`.
///
/// Only substitution exists: `{{` optional spaces, a variable, optional spaces, `}}`. The variables are
/// `labels.NAME`, `annotations.NAME` (NAME as a label name, `[a-zA-Z_][a-zA-Z0-9_]*`), `runbook`, `execution_id`,
/// `incident_id` and `kind`. Mustache's other tags (sections, partials, comments, triple braces, ...) are errors,
/// so a template never silently means something else. A lone `{` or `}}` is literal text; there is no way to
/// write a literal `{{`.
///
/// Rendering never fails: a label or annotation the alert does not carry, or a missing incident id, renders as
/// the empty string. The loader is expected to use ``references`` to reject variables that cannot exist.
public struct RunbookTemplate: Sendable, Hashable, CustomStringConvertible {
    /// A piece of the template: text kept as written, or a variable.
    enum Segment: Sendable, Hashable {
        /// Literal text, as UTF-8.
        case text([UInt8])
        /// A placeholder's variable.
        case variable(TemplateReference)
    }

    /// The template as written.
    public let source: String
    /// Every placeholder, in order, with its offset.
    public let references: [TemplatePlaceholder]
    private let segments: [Segment]
    private let literalByteCount: Int

    /// Parses `text`.
    /// - Throws: ``TemplateSyntaxError`` with the offset of the problem in `text`.
    public init(parsing text: String) throws(TemplateSyntaxError) {
        let parsed = try RunbookTemplateParser.parse(text)
        source = text
        segments = parsed.segments
        references = parsed.placeholders
        literalByteCount = parsed.segments.reduce(0) { total, segment in
            if case .text(let bytes) = segment { total + bytes.count } else { total }
        }
    }

    /// Whether the template has no placeholder at all (rendering returns ``source``).
    public var isLiteral: Bool { references.isEmpty }

    /// The template with each placeholder replaced by its value from `context`, escaped as `escaping` says;
    /// the template's own text is not escaped.
    public func render(_ context: TemplateContext, escaping: TemplateEscaping) -> String {
        if isLiteral { return source }
        var out: [UInt8] = []
        out.reserveCapacity(literalByteCount + 16 * references.count)
        for segment in segments {
            switch segment {
            case .text(let bytes): out += bytes
            case .variable(let reference): escaping.append(context.value(of: reference), to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The template as written.
    public var description: String { source }
}
