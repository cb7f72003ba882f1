/// How substituted values are written into a rendered template, for the place the template's text goes.
///
/// Only the values are escaped; the template's own text is kept as written.
public enum TemplateEscaping: Sendable, Hashable {
    /// Raw text: for argv elements and environment values, which never pass through a shell.
    case none
    /// For a template that sits inside a JSON string literal: RFC 8259 string escaping (`\"`, `\\`, control
    /// characters), without added quotes.
    case json
    /// For a URL path segment or query component: every byte except the RFC 3986 unreserved characters
    /// (`A-Z a-z 0-9 - . _ ~`) is percent-encoded from UTF-8, with upper-case hex digits.
    case urlComponent

    /// Appends `value`, escaped, to `out` as UTF-8.
    func append(_ value: String, to out: inout [UInt8]) {
        switch self {
        case .none:
            out += value.utf8
        case .json:
            // JSONText writes the one escaping of the project; the quotes it adds are dropped.
            let start = out.count
            JSONText.appendQuoted(value, to: &out)
            out.remove(at: start)
            out.removeLast()
        case .urlComponent:
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                    UInt8(ascii: "~"):
                    out.append(byte)
                default:
                    out += [UInt8(ascii: "%"), Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0x0F)]]
                }
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
