/// Where the next page of a newest-first audit query starts: strictly before an event id.
///
/// Keyset pagination on the id: events appended while an operator pages have larger ids and never shift the
/// pages that follow. The text form is opaque to clients (base64url of `v1:<id>`, no padding), so that its
/// format can change without breaking them.
public struct AuditCursor: Sendable, Hashable, CustomStringConvertible {
    /// The next page holds events with ids below this one.
    public var beforeID: Int64

    /// A cursor for the events before `beforeID`.
    public init(beforeID: Int64) {
        self.beforeID = beforeID
    }

    /// Reads the text form; `nil` when it is not a cursor this version wrote.
    public init?(encoded: some StringProtocol) {
        guard let bytes = Self.base64URLDecode(Array(encoded.utf8)) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasPrefix("v1:"), let id = Int64(text.dropFirst(3)), id > 0, String(id) == text.dropFirst(3)
        else { return nil }
        beforeID = id
    }

    /// The opaque text form.
    public var encoded: String {
        String(decoding: Self.base64URLEncode(Array("v1:\(beforeID)".utf8)), as: UTF8.self)
    }

    /// The opaque text form.
    public var description: String { encoded }

    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static func base64URLEncode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var group: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { group |= UInt32(byte) << (16 - 8 * UInt32(offset)) }
            for position in 0...chunk.count {
                out.append(alphabet[Int((group >> (18 - 6 * UInt32(position))) & 0x3F)])
            }
            index += 3
        }
        return out
    }

    private static func base64URLDecode(_ text: [UInt8]) -> [UInt8]? {
        guard !text.isEmpty, text.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var group: UInt32 = 0
        var bits = 0
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            group = group << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((group >> UInt32(bits)) & 0xFF))
            }
        }
        // Leftover bits must be zero, so that each cursor has exactly one text form.
        guard group & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }
}
