import Mustache

/// The escaping of every `{{ }}` value on the status page: `&`, `<`, `>`, `"` and `'` become character
/// references, Unicode scalar by Unicode scalar.
///
/// swift-mustache's own `HTML` content type replaces the same five characters, but it walks the text by `Character`
/// (extended grapheme clusters): a `"` followed by a combining mark (`"\u{301}`) is one `Character` that is not `"`,
/// and passes unescaped, although an HTML parser, which reads code points, ends the attribute value there. This one
/// walks scalars, so no `&`, `<`, `>`, `"` or `'` of a value reaches the page as markup, whatever follows it.
///
/// The templates select it with `{{% CONTENT_TYPE: FAILOVERD_HTML }}` as their first tag; a template that names a
/// content type nobody registered does not compile (swift-mustache refuses it), so it cannot silently fall back.
struct StatusPageHTMLEscaping: MustacheContentType {
    /// The name the templates use in their `CONTENT_TYPE` pragma.
    static let name = "FAILOVERD_HTML"

    /// Registers the content type under ``name`` (idempotent); call before compiling a template that names it.
    static func register() {
        MustacheContentTypes.register(StatusPageHTMLEscaping(), named: name)
    }

    func escapeText(_ text: String) -> String {
        Self.escape(text)
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&#39;`.
    static func escape(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
