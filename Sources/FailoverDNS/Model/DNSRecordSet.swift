import FailoverCore

/// The records of one (name, type) in a zone, as read from a provider.
public struct DNSRecordSet: Sendable, Hashable, CustomStringConvertible {
    /// The zone.
    public var zone: DNSZone
    /// The owner name.
    public var name: DNSRecordName
    /// The type.
    public var type: DNSRecordType
    /// The records, sorted by target then identifier.
    public var records: [DNSRecord]
    /// Request identifiers the provider returned (DigitalOcean's `x-request-id`), in call order.
    public var requestIDs: [String]
    /// HTTP requests the read took, retries included.
    public var requestCount: Int

    /// Creates a record set.
    public init(
        zone: DNSZone, name: DNSRecordName, type: DNSRecordType, records: [DNSRecord], requestIDs: [String] = [],
        requestCount: Int = 0
    ) {
        self.zone = zone
        self.name = name
        self.type = type
        self.records = records.sorted { ($0.target, $0.id) < ($1.target, $1.id) }
        self.requestIDs = requestIDs
        self.requestCount = requestCount
    }

    /// `app.example.com A: 198.51.100.5 ttl=30 (#1), …`, or `… : no records`.
    public var summary: String {
        let owner = name.fullyQualified(in: zone.name)
        guard !records.isEmpty else { return "\(owner) \(type): no records" }
        return "\(owner) \(type): " + records.map { "\($0.target) ttl=\($0.ttl) (#\($0.id))" }.joined(separator: ", ")
    }

    /// The summary.
    public var description: String { summary }
}
