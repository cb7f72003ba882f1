/// A network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, `::1/128`); a bare address is a one-address network.
///
/// An IPv4 network matches IPv4 callers whether they arrive as IPv4 or as IPv4-mapped IPv6 (`::ffff:10.1.2.3`).
public struct NetworkRange: Sendable, Hashable, CustomStringConvertible {
    /// The network's first address.
    public let address: NetworkAddress
    /// The prefix length over the 16-byte form (an IPv4 `/8` is 104 here).
    public let prefixLength: Int
    /// Whether it was written in IPv4 notation, which is how it prints.
    private let writtenAsIPv4: Bool

    /// Parses CIDR text; the error says what is wrong, for a configuration problem.
    public init(parsing text: String) throws(NetworkRangeError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = NetworkAddress(parsing: parts[0]) else { throw .notAnAddress(text) }
        // Written as IPv6 (`::ffff:0:0/96`), the prefix counts all 128 bits, even for an IPv4-mapped address.
        let writtenAsIPv4 = !parts[0].contains(":")
        let maximum = writtenAsIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
                let value = Int(digits), value <= maximum
            else { throw .badPrefixLength(text, maximum: maximum) }
            length = value
        }
        let full = writtenAsIPv4 ? length + 96 : length
        let masked = Self.mask(address.bytes, prefixLength: full)
        guard masked == address.bytes else {
            let network = NetworkAddress(bytes: masked)!
            throw .hostBitsSet(text, network: writtenAsIPv4 ? "\(network)/\(length)" : "\(network.ipv6Text)/\(length)")
        }
        self.address = address
        prefixLength = full
        self.writtenAsIPv4 = writtenAsIPv4
    }

    /// Whether `candidate` lies in this network.
    public func contains(_ candidate: NetworkAddress) -> Bool {
        Self.mask(candidate.bytes, prefixLength: prefixLength) == address.bytes
    }

    /// The CIDR text, e.g. `10.0.0.0/8`.
    public var description: String {
        writtenAsIPv4 ? "\(address)/\(prefixLength - 96)" : "\(address.ipv6Text)/\(prefixLength)"
    }

    private static func mask(_ bytes: [UInt8], prefixLength: Int) -> [UInt8] {
        var result = bytes
        for index in 0..<16 {
            let bitsHere = min(max(prefixLength - index * 8, 0), 8)
            result[index] &= bitsHere == 8 ? 0xff : ~(UInt8(0xff) >> UInt8(bitsHere))
        }
        return result
    }
}
