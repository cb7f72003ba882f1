import FailoverCore

/// A zone as a provider holds it.
public struct DNSZone: Sendable, Hashable, CustomStringConvertible {
    /// The zone's domain name.
    public var name: DNSZoneName
    /// The provider's identifier (Linode's numeric domain id; DigitalOcean uses the name itself).
    public var id: String
    /// The zone's default TTL in seconds when the provider reports one (`nil` or `0` when it does not).
    public var defaultTTL: Int?

    /// Creates a zone.
    public init(name: DNSZoneName, id: String, defaultTTL: Int? = nil) {
        self.name = name
        self.id = id
        self.defaultTTL = defaultTTL
    }

    /// `example.com (#1065421)`.
    public var description: String { "\(name) (#\(id))" }
}
