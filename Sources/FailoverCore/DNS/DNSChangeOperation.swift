/// One write a reconcile plan asks a provider to make.
public enum DNSChangeOperation: Sendable, Hashable, CustomStringConvertible {
    /// Change an existing record in place (one PUT): it keeps its identifier and never disappears.
    case update(DNSRecord, target: String, ttl: Int)
    /// Create a record for a target that no record carries yet.
    case create(name: DNSRecordName, type: DNSRecordType, target: String, ttl: Int)
    /// Delete a record whose target is not wanted any more; always after every update and create.
    case delete(DNSRecord)

    /// Whether the operation is a deletion.
    public var isDelete: Bool {
        if case .delete = self { return true }
        return false
    }

    /// `update #12: 192.0.2.1 ttl=300 -> 198.51.100.5 ttl=30` and the like.
    public var description: String {
        switch self {
        case .update(let record, let target, let ttl):
            "update #\(record.id): \(record.target) ttl=\(record.ttl) -> \(target) ttl=\(ttl)"
        case .create(let name, let type, let target, let ttl):
            "create \(name) \(type) \(target) ttl=\(ttl)"
        case .delete(let record):
            "delete #\(record.id): \(record.target) ttl=\(record.ttl)"
        }
    }
}
