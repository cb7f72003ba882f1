/// A record held by a fake provider, in a provider-neutral spelling.
public struct FakeDNSRecord: Sendable, Hashable, CustomStringConvertible {
    /// The record's identifier.
    public var id: Int
    /// The name relative to the zone, lower-case; `""` is the apex.
    public var name: String
    /// The type, upper-case.
    public var type: String
    /// The data: address, host name without trailing dot, or text.
    public var target: String
    /// The TTL as stored (Linode: rounded up; `0` = zone default).
    public var ttl: Int
    /// Priority (MX, SRV), when set.
    public var priority: Int?

    /// Creates a record.
    public init(id: Int, name: String, type: String, target: String, ttl: Int, priority: Int? = nil) {
        self.id = id
        self.name = name
        self.type = type
        self.target = target
        self.ttl = ttl
        self.priority = priority
    }

    /// `app A 192.0.2.1 ttl=300 (#7)`.
    public var description: String { "\(name.isEmpty ? "@" : name) \(type) \(target) ttl=\(ttl) (#\(id))" }
}
