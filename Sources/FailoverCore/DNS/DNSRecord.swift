/// One DNS record as a provider holds it, in failoverd's spelling.
public struct DNSRecord: Sendable, Hashable, CustomStringConvertible {
    /// The provider's identifier of the record, as text (both providers use integers).
    public var id: String
    /// The owner name relative to the zone.
    public var name: DNSRecordName
    /// The record type.
    public var type: DNSRecordType
    /// The record data (address, host name without trailing dot, text), as the provider returned it.
    public var target: String
    /// Time to live in seconds; `0` on Linode means "the zone's default".
    public var ttl: Int

    /// Creates a record.
    public init(id: String, name: DNSRecordName, type: DNSRecordType, target: String, ttl: Int) {
        self.id = id
        self.name = name
        self.type = type
        self.target = target
        self.ttl = ttl
    }

    /// `app A 198.51.100.5 ttl=30 (#123)`.
    public var description: String { "\(name) \(type) \(target) ttl=\(ttl) (#\(id))" }
}
