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

    /// Appends a JSON string literal for `text` to `out`.
    public static func appendQuoted(_ text: String, to out: inout String) {
        var bytes: [UInt8] = []
        appendQuoted(text, to: &bytes)
        out.append(String(decoding: bytes, as: UTF8.self))
    }

    /// Appends a JSON string literal for `text`, as UTF-8, to `out`.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [
                    0x5C, UInt8(ascii: "u"), 0x30, 0x30, digits[Int(byte >> 4)], digits[Int(byte & 0xF)],
                ])
            default:
                out.append(byte)
            }
        }
        out.append(0x22)
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
