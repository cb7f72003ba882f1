/// A provider's pure normalisation rules: how TTLs and targets are written and how they compare.
///
/// Reading a record back never gives exactly what was written (Linode rounds TTLs up, DigitalOcean strips the
/// trailing dot of host names), so current and desired states are compared after applying the same rules,
/// otherwise every run would see a difference.
public struct DNSRecordRules: Sendable, Hashable {
    /// How a provider treats TTLs.
    public enum TTLRule: Sendable, Hashable {
        /// The TTL is stored as written.
        case exact
        /// The TTL is rounded up to the next allowed value, capped at the largest; `0` means the zone default.
        case roundUp(allowed: [Int])
    }

    /// How a provider wants host-name targets (CNAME, MX, NS, SRV, PTR data) on write.
    public enum HostNameRule: Sendable, Hashable {
        /// Without a trailing dot (Linode).
        case relativeSpelling
        /// Fully qualified with a trailing dot (DigitalOcean answers 422 otherwise).
        case trailingDot
    }

    /// The TTL rule.
    public var ttlRule: TTLRule
    /// The host-name rule.
    public var hostNameRule: HostNameRule

    /// Creates rules.
    public init(ttlRule: TTLRule, hostNameRule: HostNameRule) {
        self.ttlRule = ttlRule
        self.hostNameRule = hostNameRule
    }

    /// Linode's allowed `ttl_sec` values; `0` is "the zone default".
    public static let linodeAllowedTTLs = [
        0, 30, 120, 300, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 345600, 604800, 1209600, 2419200,
    ]

    /// Linode API v4: `ttl_sec` rounded up to the allowed values, host names written without a trailing dot.
    public static let linode = DNSRecordRules(
        ttlRule: .roundUp(allowed: linodeAllowedTTLs), hostNameRule: .relativeSpelling)

    /// DigitalOcean API v2: TTL as given, host names written fully qualified with a trailing dot.
    public static let digitalOcean = DNSRecordRules(ttlRule: .exact, hostNameRule: .trailingDot)

    /// The TTL the provider will store for a requested one.
    public func storedTTL(_ ttl: Int) -> Int {
        switch ttlRule {
        case .exact:
            return ttl
        case .roundUp(let allowed):
            guard ttl > 0 else { return 0 }
            return allowed.first { $0 >= ttl } ?? (allowed.last ?? ttl)
        }
    }

    /// The spelling of `target` to send when writing a record of `type` in `zone`.
    ///
    /// Addresses are written in their canonical spelling (``IPAddressText``), host names after the provider's rule.
    public func targetForWrite(_ target: String, type: DNSRecordType, zone: DNSZoneName) -> String {
        if let address = canonicalAddress(target, type: type) { return address }
        guard type.targetIsHostName else { return target }
        var host = target
        while host.hasSuffix(".") { host.removeLast() }
        switch hostNameRule {
        case .relativeSpelling:
            return host == "@" ? zone.name : host
        case .trailingDot:
            return host == "@" ? "\(zone.name)." : "\(host)."
        }
    }

    /// The form of a target used for comparison: host names lower-cased without trailing dot (`@` is the zone),
    /// addresses in their canonical spelling (``IPAddressText``; lower-cased when not an address), text as is.
    public func comparableTarget(_ target: String, type: DNSRecordType, zone: DNSZoneName) -> String {
        if type.targetIsHostName {
            var host = target.lowercased()
            while host.hasSuffix(".") { host.removeLast() }
            return host == "@" ? zone.name : host
        }
        if type == .a || type == .aaaa { return canonicalAddress(target, type: type) ?? target.lowercased() }
        return target
    }

    private func canonicalAddress(_ target: String, type: DNSRecordType) -> String? {
        switch type {
        case .a: return IPAddressText.canonicalIPv4(target)
        case .aaaa: return IPAddressText.canonicalIPv6(target)
        default: return nil
        }
    }
}
