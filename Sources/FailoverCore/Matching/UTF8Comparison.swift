/// Byte-wise string comparisons: label values compare by Unicode scalars, as in Go, never by Swift's canonical
/// equivalence (`==` on `String` takes `é` and `e` + U+0301 as equal; Alertmanager does not).
enum UTF8Comparison {
    /// Whether `text` is exactly `bytes`.
    static func equals(_ text: String, _ bytes: [UInt8]) -> Bool {
        let contiguous = text.utf8.withContiguousStorageIfAvailable { utf8 in
            bytes.withUnsafeBufferPointer { utf8.elementsEqual($0) }
        }
        return contiguous ?? text.utf8.elementsEqual(bytes)
    }

    /// Whether `text` starts with `bytes` and, unless `newlineAllowed`, has no `\n` after them.
    static func hasPrefix(_ text: String, _ bytes: [UInt8], newlineAllowedAfter newlineAllowed: Bool) -> Bool {
        let contiguous = text.utf8.withContiguousStorageIfAvailable { utf8 in
            utf8.count >= bytes.count && bytes.withUnsafeBufferPointer { utf8.prefix(bytes.count).elementsEqual($0) }
                && (newlineAllowed || !utf8[bytes.count...].contains(0x0A))
        }
        if let contiguous { return contiguous }
        guard text.utf8.starts(with: bytes) else { return false }
        return newlineAllowed || !text.utf8.dropFirst(bytes.count).contains(0x0A)
    }
}
