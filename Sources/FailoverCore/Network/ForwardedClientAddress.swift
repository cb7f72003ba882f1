/// Which address a request comes from: the socket's peer, unless that peer is a trusted proxy, in which case the
/// rightmost `X-Forwarded-For` hop that is not itself a trusted proxy.
///
/// Hops left of the first untrusted one are whatever the caller wrote and are never read. A hop that is not an
/// address makes the client unknown (it matches no allow-list), rather than falling back to the proxy's address.
public enum ForwardedClientAddress {
    /// The most hops read from the right; a longer chain makes the client unknown.
    public static let maximumHops = 32

    /// The caller's address, or `nil` when it cannot be told (a malformed or overlong forwarded chain, or a peer
    /// that is not an address at all).
    ///
    /// - Parameters:
    ///   - peer: the socket's peer address as text.
    ///   - forwardedFor: every `X-Forwarded-For` field value, in the order received.
    ///   - trustedProxies: the networks whose forwarded headers are believed.
    public static func resolve(
        peer: String, forwardedFor: [String], trustedProxies: [NetworkRange]
    ) -> NetworkAddress? {
        guard let peerAddress = NetworkAddress(parsing: peer) else { return nil }
        guard isTrusted(peerAddress, trustedProxies) else { return peerAddress }
        let hops = forwardedFor.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        var client = peerAddress
        var read = 0
        for hop in hops.reversed() {
            read += 1
            guard read <= maximumHops else { return nil }
            guard let address = NetworkAddress(parsing: trimmed(hop)) else { return nil }
            client = address
            if !isTrusted(address, trustedProxies) { return address }
        }
        // Every hop was a trusted proxy: the leftmost one is as far as the chain goes.
        return client
    }

    private static func isTrusted(_ address: NetworkAddress, _ networks: [NetworkRange]) -> Bool {
        networks.contains { $0.contains(address) }
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
