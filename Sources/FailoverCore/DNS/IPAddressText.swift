/// The canonical spelling of IP address literals, so that an address compares and is written one way only.
///
/// A provider that stores `2001:db8::20` for a requested `2001:DB8:0:0::0020` would otherwise make every later run
/// see a difference and write again. IPv6 follows RFC 5952 as glibc's `inet_ntop` prints it: lower-case hex
/// without leading zeros, the longest run of two or more zero groups (the first of equal runs) as `::`, and the
/// IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-compatible (`::a.b.c.d`) forms with a dotted quad. IPv4 takes exactly
/// what `inet_pton` takes: four decimal parts without leading zeros, so the accepted spelling is the canonical one.
public enum IPAddressText {
    /// The canonical form of an IPv4 dotted quad, or `nil` when `text` is not one.
    public static func canonicalIPv4(_ text: String) -> String? {
        parseIPv4(Substring(text)).map(dottedQuad)
    }

    /// The canonical form of an IPv6 address, or `nil` when `text` is not one (zone identifiers are refused).
    public static func canonicalIPv6(_ text: String) -> String? {
        parseIPv6(Substring(text)).map(format)
    }

    /// The sixteen bytes of an IPv6 address, or `nil`.
    public static func ipv6Bytes(_ text: String) -> [UInt8]? {
        parseIPv6(Substring(text)).map { groups in groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] } }
    }

    /// The four bytes of an IPv4 address, or `nil`.
    public static func ipv4Bytes(_ text: String) -> [UInt8]? {
        parseIPv4(Substring(text))
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                part.count == 1 || part.first != "0", let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func dottedQuad(_ bytes: some Collection<UInt8>) -> String {
        bytes.map(String.init).joined(separator: ".")
    }

    /// Eight 16-bit groups, or `nil`.
    private static func parseIPv6(_ text: Substring) -> [UInt16]? {
        guard text.utf8.count <= 45 else { return nil }
        let halves = text.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        guard let head = groups(of: halves[0], mayEndInIPv4: halves.count == 1) else { return nil }
        if halves.count == 1 {
            return head.count == 8 ? head : nil
        }
        guard !halves[1].hasPrefix(":"), !halves[1].contains("::"),
            let tail = groups(of: halves[1], mayEndInIPv4: true), head.count + tail.count <= 7
        else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    /// The groups of one side of `::` (empty text: none); the last one may be a dotted quad (two groups).
    private static func groups(of text: Substring, mayEndInIPv4: Bool) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, mayEndInIPv4, part.contains(".") {
                guard let quad = parseIPv4(part) else { return nil }
                groups.append(UInt16(quad[0]) << 8 | UInt16(quad[1]))
                groups.append(UInt16(quad[2]) << 8 | UInt16(quad[3]))
                continue
            }
            guard (1...4).contains(part.count), part.utf8.allSatisfy(isASCIIHexDigit),
                let value = UInt16(part, radix: 16)
            else { return nil }
            groups.append(value)
        }
        return groups
    }

    private static func isASCIIHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    private static func format(_ groups: [UInt16]) -> String {
        // The longest run of zero groups; the first one wins a tie, and a lone zero group is not compressed.
        var best: (start: Int, count: Int) = (0, 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > best.count { best = (index, end - index) }
            index = end
        }
        if best.count < 2 { best = (0, 0) }
        let embedsIPv4 = best.start == 0 && (best.count == 6 || (best.count == 5 && groups[5] == 0xffff))
        let hexCount = embedsIPv4 ? 6 : 8
        var text = ""
        var position = 0
        while position < hexCount {
            if best.count > 0, position == best.start {
                text += "::"
                position += best.count
                continue
            }
            if !text.isEmpty, !text.hasSuffix(":") { text += ":" }
            text += String(groups[position], radix: 16)
            position += 1
        }
        if embedsIPv4 {
            if !text.hasSuffix(":") { text += ":" }
            text += dottedQuad([
                UInt8(groups[6] >> 8), UInt8(groups[6] & 0xff), UInt8(groups[7] >> 8), UInt8(groups[7] & 0xff),
            ])
        }
        return text
    }
}
