/// An IP address as 16 bytes: IPv6 as it is, IPv4 as its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`), so a caller
/// that reaches a dual-stack socket over IPv4 and one that reaches an IPv4 socket compare alike.
public struct NetworkAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address in network byte order.
    public let bytes: [UInt8]

    /// The first 12 bytes of every IPv4-mapped IPv6 address.
    static let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

    /// An address from 16 bytes in network order; `nil` for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses `192.0.2.1`, `2001:db8::1`, `::1` or `::ffff:192.0.2.1`; `nil` for anything else (no zone, no
    /// brackets, no port, no leading zeros in IPv4 parts, which some parsers read as octal).
    public init?(parsing text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        if let ipv4 = Self.parseIPv4(utf8[...]) {
            bytes = Self.mappedPrefix + ipv4
        } else if let ipv6 = Self.parseIPv6(utf8) {
            bytes = ipv6
        } else {
            return nil
        }
    }

    /// Whether this is an IPv4 address (or its IPv4-mapped IPv6 form).
    public var isIPv4: Bool { bytes.starts(with: Self.mappedPrefix) }

    /// `192.0.2.1` for IPv4 (mapped or not), the compressed lower-case form for IPv6.
    public var description: String {
        isIPv4 ? bytes[12...].map { String($0) }.joined(separator: ".") : ipv6Text
    }

    /// The compressed lower-case IPv6 form, for IPv4-mapped addresses too (`::ffff:c000:201`).
    public var ipv6Text: String {
        var groups: [UInt16] = []
        for index in stride(from: 0, to: 16, by: 2) {
            groups.append(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
        }
        // The longest run of two or more zero groups becomes `::` (the first such run on a tie).
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < groups.count {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            let start = index
            while index < groups.count, groups[index] == 0 { index += 1 }
            if index - start > bestLength {
                bestStart = start
                bestLength = index - start
            }
        }
        func hex(_ part: ArraySlice<UInt16>) -> String {
            part.map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }

    static func parseIPv4(_ text: ArraySlice<UInt8>) -> [UInt8]? {
        let parts = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            if part.count > 1, part.first == 48 { return nil }
            let value = part.reduce(0) { $0 * 10 + Int($1 - 48) }
            guard value <= 255 else { return nil }
            result.append(UInt8(value))
        }
        return result
    }

    static func parseIPv6(_ text: [UInt8]) -> [UInt8]? {
        guard text.count >= 2, text.count <= 45 else { return nil }
        let colon = UInt8(ascii: ":")
        // Split at the one `::`, if any.
        var head: ArraySlice<UInt8> = text[...]
        var tail: ArraySlice<UInt8>?
        if let range = Self.firstDoubleColon(text) {
            head = text[..<range]
            tail = text[(range + 2)...]
            if Self.firstDoubleColon(Array(tail!)) != nil { return nil }
        }
        func groups(_ part: ArraySlice<UInt8>, allowIPv4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            let pieces = part.split(separator: colon, omittingEmptySubsequences: false)
            var result: [UInt8] = []
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail, index == pieces.count - 1, piece.contains(UInt8(ascii: ".")) {
                    guard let ipv4 = parseIPv4(piece) else { return nil }
                    result += ipv4
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4 else { return nil }
                var value = 0
                for byte in piece {
                    guard let digit = hexDigit(byte) else { return nil }
                    value = value * 16 + digit
                }
                result += [UInt8(value >> 8), UInt8(value & 0xff)]
            }
            return result
        }
        guard let first = groups(head, allowIPv4Tail: tail == nil) else { return nil }
        guard let tail else { return first.count == 16 ? first : nil }
        guard let last = groups(tail, allowIPv4Tail: true) else { return nil }
        // `::` stands for at least one zero group.
        guard first.count + last.count <= 14 else { return nil }
        return first + [UInt8](repeating: 0, count: 16 - first.count - last.count) + last
    }

    private static func firstDoubleColon(_ text: [UInt8]) -> Int? {
        guard text.count >= 2 else { return nil }
        for index in 0..<(text.count - 1) where text[index] == UInt8(ascii: ":") && text[index + 1] == UInt8(ascii: ":")
        {
            return index
        }
        return nil
    }

    private static func hexDigit(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: Int(byte - 48)
        case 65...70: Int(byte - 55)
        case 97...102: Int(byte - 87)
        default: nil
        }
    }
}
