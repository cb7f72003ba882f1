/// The writes that bring the records of one (name, type) to a desired state, in the order to apply them.
///
/// Built by ``reconcile(current:desired:name:type:zone:rules:)``: records already right are left alone, the
/// others are updated in place where possible, only missing targets are created, extra records are deleted last.
/// A plan never deletes a record to create its replacement, so a name never goes without records.
public struct DNSChangePlan: Sendable, Hashable, CustomStringConvertible {
    /// The operations: updates, then creates, then deletes.
    public let operations: [DNSChangeOperation]

    /// Creates a plan from operations already in order.
    public init(operations: [DNSChangeOperation]) { self.operations = operations }

    /// Whether the records are already in the desired state.
    public var isNoOp: Bool { operations.isEmpty }

    /// Number of operations that write (all of them).
    public var writeCount: Int { operations.count }

    /// Computes the plan for records `current` of (`name`, `type`) to reach `desired`.
    ///
    /// Records of other names or types in `current` are ignored. Targets and TTLs compare after the provider's
    /// ``DNSRecordRules``. Pairing is deterministic: unwanted records (sorted by target, then identifier) are
    /// reused for missing targets (sorted) before anything is created.
    public static func reconcile(
        current: [DNSRecord], desired: DNSDesiredState, name: DNSRecordName, type: DNSRecordType,
        zone: DNSZoneName, rules: DNSRecordRules
    ) -> DNSChangePlan {
        let records = current.filter { $0.name == name && $0.type == type }
            .sorted { ($0.target, $0.id) < ($1.target, $1.id) }
        let ttl = rules.storedTTL(desired.ttl)
        var wanted: [String: String] = [:]  // comparable form -> spelling to write
        for target in desired.targets {
            wanted[rules.comparableTarget(target, type: type, zone: zone)] = target
        }

        var kept: Set<String> = []
        var updates: [DNSChangeOperation] = []
        var unwanted: [DNSRecord] = []
        for record in records {
            let key = rules.comparableTarget(record.target, type: type, zone: zone)
            if wanted[key] != nil, !kept.contains(key) {
                kept.insert(key)
                if rules.storedTTL(record.ttl) != ttl {
                    updates.append(.update(record, target: record.target, ttl: ttl))
                }
            } else {
                unwanted.append(record)
            }
        }

        let missing = wanted.keys.filter { !kept.contains($0) }.sorted().compactMap { wanted[$0] }
        var creates: [DNSChangeOperation] = []
        for (index, target) in missing.enumerated() {
            if index < unwanted.count {
                updates.append(.update(unwanted[index], target: target, ttl: ttl))
            } else {
                creates.append(.create(name: name, type: type, target: target, ttl: ttl))
            }
        }
        let deletes = unwanted.dropFirst(missing.count).map { DNSChangeOperation.delete($0) }
        return DNSChangePlan(operations: updates + creates + deletes)
    }

    /// Whether `records` of (`name`, `type`) are exactly the desired state: one record per desired target, no
    /// other record, every TTL equal to the stored form of the desired TTL.
    public static func isSatisfied(
        by records: [DNSRecord], desired: DNSDesiredState, name: DNSRecordName, type: DNSRecordType,
        zone: DNSZoneName, rules: DNSRecordRules
    ) -> Bool {
        reconcile(current: records, desired: desired, name: name, type: type, zone: zone, rules: rules).isNoOp
    }

    /// One operation per line, or `no change` when the plan is empty.
    public var description: String {
        isNoOp ? "no change" : operations.map(\.description).joined(separator: "\n")
    }
}
