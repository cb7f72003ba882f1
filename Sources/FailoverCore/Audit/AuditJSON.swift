/// The canonical JSON text of audit events: RFC 8785 (JSON Canonicalization Scheme) restricted to integers.
///
/// - No whitespace; object members sorted by the UTF-16 code units of their keys (RFC 8785 §3.2.3).
/// - Strings: `"` and `\` escaped, `\b \t \n \f \r` for those controls, `\u00xx` (lower-case hex) for the other
///   controls below U+0020, everything else written as its UTF-8 bytes (no `\u` escapes for non-ASCII).
/// - Integers in decimal without leading zeros or a plus sign.
///
/// Any RFC 8785 library reproduces the same bytes for the same values, so an auditor can check the chain with
/// tools of their own.
enum AuditJSON {
    /// Appends a JSON string literal for `text` (``JSONText`` escapes exactly as RFC 8785 requires).
    static func appendString(_ text: String, to out: inout [UInt8]) {
        JSONText.appendQuoted(text, to: &out)
    }

    /// Appends an integer in decimal.
    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        // The magnitude as unsigned, so that Int64.min works; digits are written backwards, then reversed.
        var magnitude = value.magnitude
        let start = out.count
        while magnitude > 0 {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        out[start...].reverse()
    }

    /// Appends `null` or the integer.
    static func appendInteger(_ value: Int64?, to out: inout [UInt8]) {
        if let value { appendInteger(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    /// Appends `null` or the string.
    static func appendString(_ value: String?, to out: inout [UInt8]) {
        if let value { appendString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    /// Whether `lhs` sorts before `rhs` as RFC 8785 orders object keys (by UTF-16 code units).
    ///
    /// UTF-8 bytes sort like code points, and code points like UTF-16 code units except where U+E000–U+FFFF
    /// meets a character above U+FFFF (a surrogate pair sorts first). Those characters start with a byte of
    /// 0xEE or more, so the bytes decide unless such a byte is where the keys first differ. Comparing UTF-16
    /// views was a tenth of the audit append's cost in `make bench` profiles; keys are nearly always ASCII.
    static func keyPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        let byBytes =
            lhs.utf8.withContiguousStorageIfAvailable { left in
                rhs.utf8.withContiguousStorageIfAvailable { right in bytesPrecede(left, right) } ?? nil
            } ?? nil
        return byBytes ?? lhs.utf16.lexicographicallyPrecedes(rhs.utf16)
    }

    /// The order of two keys' UTF-8 bytes, or nil where it may differ from their UTF-16 order.
    private static func bytesPrecede(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool? {
        for (l, r) in zip(left, right) where l != r {
            return l >= 0xEE || r >= 0xEE ? nil : l < r
        }
        return left.count < right.count
    }

    /// Appends an object from members in any order (keys must be distinct).
    static func appendObject(_ members: [(String, AuditValue)], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (offset, member) in members.sorted(by: { keyPrecedes($0.0, $1.0) }).enumerated() {
            if offset > 0 { out.append(UInt8(ascii: ",")) }
            appendString(member.0, to: &out)
            out.append(UInt8(ascii: ":"))
            append(member.1, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends the canonical text of a value.
    static func append(_ value: AuditValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let number): appendInteger(number, to: &out)
        case .string(let text): appendString(text, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out.append(UInt8(ascii: ",")) }
                append(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            appendObject(members.map { ($0.key, $0.value) }, to: &out)
        }
    }
}
