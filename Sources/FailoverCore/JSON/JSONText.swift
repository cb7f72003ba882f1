/// Writes JSON text for the fixed shapes of the ingest path (label maps, acknowledgements, error bodies).
///
/// Hand-written rather than `JSONEncoder`: on Linux the encoder's generic machinery cost about 15 % of the
/// webhook path's CPU in `make bench` profiles, for output that is only strings and integers. Text is built as
/// UTF-8 bytes and turned into a `String` once.
public enum JSONText {
    /// A JSON string literal for `text`, with the escapes RFC 8259 requires.
    public static func quote(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends a JSON string literal for `text`, as UTF-8, to `out`, escaped as RFC 8785 (the audit trail's
    /// canonical form) prescribes: `"` and `\`, `\b \t \n \f \r`, `\u00xx` for the other controls below U+0020,
    /// everything else as its UTF-8 bytes. Runs that need no escape are copied in one piece.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(byte, to: &out)
                runStart = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        default:
            out.append(contentsOf: [
                UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(byte >> 4)],
                hexDigits[Int(byte & 0x0F)],
            ])
        }
    }

    /// A JSON object of string values with keys in sorted order, so equal maps give equal text.
    public static func object(_ dictionary: [String: String]) -> String {
        var bytes: [UInt8] = [0x7B]
        bytes.reserveCapacity(dictionary.count * 32 + 2)
        for (offset, entry) in dictionary.sorted(by: { $0.key < $1.key }).enumerated() {
            if offset > 0 { bytes.append(0x2C) }
            appendQuoted(entry.key, to: &bytes)
            bytes.append(0x3A)
            appendQuoted(entry.value, to: &bytes)
        }
        bytes.append(0x7D)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension JSONText {
    /// Parses a JSON object of string values (as ``object(_:)`` writes it); `nil` when the text is anything else.
    public static func parseStringMap(_ text: String) -> [String: String]? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> [String: String]? in
            var reader = JSONReader(UnsafeBufferPointer(buffer))
            guard let map = try? reader.readStringMap(path: ""), (try? reader.endDocument()) != nil else { return nil }
            return map
        }
    }
}
