/// The first `limit` bytes of a step's combined standard output and error, and a count of all of them.
///
/// Bytes past the limit are counted and dropped as they arrive, so a child writing gigabytes costs no memory.
struct CombinedOutputCapture {
    /// How many bytes are kept.
    let limit: Int
    /// The bytes kept, in arrival order.
    private(set) var kept: [UInt8] = []
    /// Every byte seen.
    private(set) var totalBytes = 0

    init(limit: Int) {
        self.limit = max(limit, 0)
        kept.reserveCapacity(min(self.limit, 64 * 1024))
    }

    /// Whether bytes were dropped.
    var isTruncated: Bool { totalBytes > kept.count }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        totalBytes += bytes.count
        let room = limit - kept.count
        if room > 0 { kept.append(contentsOf: bytes.prefix(room)) }
    }

    /// The kept bytes as text: invalid UTF-8 becomes U+FFFD, except that a character cut in half by the limit is
    /// left out, and the text is trimmed (whole characters from the end) so that it stays within `limit` bytes
    /// of UTF-8 even where U+FFFD (3 bytes) replaced a single invalid byte.
    var text: String {
        var bytes = kept[...]
        if isTruncated { bytes = Self.withoutCutCharacter(bytes) }
        var text = String(decoding: bytes, as: UTF8.self)
        var length = text.utf8.count
        if length > limit {
            var scalars = text.unicodeScalars
            while length > limit, let last = scalars.last {
                scalars.removeLast()
                length -= UTF8.width(last)
            }
            text = String(scalars)
        }
        return text
    }

    /// `bytes` without a trailing UTF-8 sequence whose lead byte promises more bytes than follow it.
    private static func withoutCutCharacter(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        // A sequence is at most 4 bytes, so its lead byte is among the last 4.
        var index = bytes.endIndex
        var continuationBytes = 0
        while index > bytes.startIndex, continuationBytes < 4 {
            index -= 1
            let byte = bytes[index]
            if byte & 0b1100_0000 == 0b1000_0000 {
                continuationBytes += 1
                continue
            }
            let expected: Int
            switch byte {
            case 0b1100_0000...0b1101_1111: expected = 2
            case 0b1110_0000...0b1110_1111: expected = 3
            case 0b1111_0000...0b1111_0111: expected = 4
            default: return bytes  // ASCII or an invalid lead byte: nothing was cut
            }
            return continuationBytes + 1 < expected ? bytes[..<index] : bytes
        }
        return bytes
    }
}
