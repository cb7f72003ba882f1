/// Writes JSON text for the fixed shapes of the ingest path (label maps, acknowledgements, error bodies).
///
/// Hand-written rather than `JSONEncoder`: on Linux the encoder's generic machinery cost about 15 % of the
/// webhook path's CPU in `make bench` profiles, for output that is only strings and integers.
public enum JSONText {
    /// A JSON string literal for `text`, with the escapes RFC 8259 requires.
    public static func quote(_ text: String) -> String {
        var out = ""
        appendQuoted(text, to: &out)
        return out
    }

    /// Appends a JSON string literal for `text` to `out`.
    public static func appendQuoted(_ text: String, to out: inout String) {
        out.append("\"")
        // Fast path: most label values need no escaping at all.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(text)
            out.append("\"")
            return
        }
        var pendingStart = text.startIndex
        var index = text.startIndex
        let scalars = text.unicodeScalars
        while index < text.endIndex {
            let scalar = scalars[index]
            let escape: String?
            switch scalar {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escape = nil
            }
            let next = scalars.index(after: index)
            if let escape {
                out.append(contentsOf: text[pendingStart..<index])
                out.append(escape)
                pendingStart = next
            }
            index = next
        }
        out.append(contentsOf: text[pendingStart..<text.endIndex])
        out.append("\"")
    }

    /// A JSON object of string values with keys in sorted order, so equal maps give equal text.
    public static func object(_ dictionary: [String: String]) -> String {
        var out = "{"
        for (offset, key) in dictionary.keys.sorted().enumerated() {
            if offset > 0 { out.append(",") }
            appendQuoted(key, to: &out)
            out.append(":")
            appendQuoted(dictionary[key]!, to: &out)
        }
        out.append("}")
        return out
    }
}
