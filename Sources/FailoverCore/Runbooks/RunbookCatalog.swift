/// The runbooks of a configuration, matched against every alert on the ingest path.
public struct RunbookCatalog: Sendable, Hashable {
    /// The runbooks, in configuration order.
    public let runbooks: [RunbookDefinition]
    private let byName: [String: Int]

    /// Creates a catalog; a repeated name keeps its first definition.
    public init(_ runbooks: [RunbookDefinition]) {
        var unique: [RunbookDefinition] = []
        var byName: [String: Int] = [:]
        for runbook in runbooks where byName[runbook.name] == nil {
            byName[runbook.name] = unique.count
            unique.append(runbook)
        }
        self.runbooks = unique
        self.byName = byName
    }

    /// The empty catalog.
    public static let empty = RunbookCatalog([])

    /// The runbook with this name.
    public func runbook(named name: String) -> RunbookDefinition? {
        byName[name].map { runbooks[$0] }
    }

    /// Every runbook whose matchers the labels satisfy, with the alert's incident key, sorted by runbook name and
    /// key (the order in which a transaction locks runbook keys).
    public func matches(_ labels: [String: String]) -> [(runbook: RunbookDefinition, key: IncidentKey)] {
        var found: [(runbook: RunbookDefinition, key: IncidentKey)] = []
        for runbook in runbooks where runbook.matchers.matches(labels) {
            found.append((runbook, runbook.key(for: labels)))
        }
        if found.count > 1 { found.sort { ($0.runbook.name, $0.key.text) < ($1.runbook.name, $1.key.text) } }
        return found
    }
}

extension RunbookStep {
    /// The lock keys of the DNS record sets the step (and its parallel children) writes.
    public var dnsLockKeys: [String] {
        switch action {
        case .dns(let specification): [specification.lockKey]
        case .parallel(let children): children.flatMap(\.dnsLockKeys)
        case .httpCheck, .http, .exec, .wait: []
        }
    }
}

extension RunbookDefinition {
    /// Every lock an execution of `kind` for `key` holds while it runs: the runbook key and each DNS record set.
    public func lockKeys(for kind: ExecutionKind, key: IncidentKey) -> [String] {
        let dns = steps(for: kind).flatMap(\.dnsLockKeys)
        return (["key:\(name)/\(key.text)"] + dns).reduce(into: [String]()) { keys, key in
            if !keys.contains(key) { keys.append(key) }
        }.sorted()
    }
}
