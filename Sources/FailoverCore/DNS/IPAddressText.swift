/// The canonical spelling of IP address literals, so that an address compares and is written one way only.
///
/// A provider that stores `2001:db8::20` for a requested `2001:DB8:0:0::0020` would otherwise make every later run
/// see a difference and write again. IPv6 follows RFC 5952 as glibc's `inet_ntop` prints it: lower-case hex
/// without leading zeros, the longest run of two or more zero groups (the first of equal runs) as `::`, and the
/// IPv4-mapped (`::ffff:a.b.c.d`) and IPv4-compatible (`::a.b.c.d`) forms with a dotted quad. Parsing is
/// ``NetworkAddress``'s; IPv4 takes what `inet_pton` takes (four decimal parts without leading zeros), so the
/// accepted spelling is the canonical one.
public enum IPAddressText {
    /// The canonical form of an IPv4 dotted quad, or `nil` when `text` is not one.
    public static func canonicalIPv4(_ text: String) -> String? {
        NetworkAddress.parseIPv4(Array(text.utf8)[...]).map(dottedQuad)
    }

    /// The canonical form of an IPv6 address, or `nil` when `text` is not one (zone identifiers are refused).
    public static func canonicalIPv6(_ text: String) -> String? {
        NetworkAddress.parseIPv6(Array(text.utf8)).map { bytes in
            format(stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) })
        }
    }

    private static func dottedQuad(_ bytes: some Collection<UInt8>) -> String {
        bytes.map(String.init).joined(separator: ".")
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
