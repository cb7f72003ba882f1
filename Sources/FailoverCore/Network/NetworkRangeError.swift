/// Why a text is not a CIDR network.
public enum NetworkRangeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The part before `/` is not an IPv4 or IPv6 address.
    case notAnAddress(String)
    /// The prefix length is not a number within the address family's width.
    case badPrefixLength(String, maximum: Int)
    /// The address has bits set beyond the prefix; `network` is what was probably meant.
    case hostBitsSet(String, network: String)

    public var description: String {
        switch self {
        case .notAnAddress(let text):
            "\"\(text)\" is not a network: expected an IPv4 or IPv6 address with an optional /prefix (10.0.0.0/8)"
        case .badPrefixLength(let text, let maximum):
            "\"\(text)\" has an invalid prefix length: expected 0 to \(maximum)"
        case .hostBitsSet(let text, let network):
            "\"\(text)\" has bits set after the prefix: write the network as \(network)"
        }
    }
}
