/// What makes alerts one incident of a runbook: the values of its key labels, sorted by label name.
public struct IncidentKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// (label name, value) pairs sorted by name.
    public let labels: [KeyLabel]

    /// One key label.
    public struct KeyLabel: Sendable, Hashable {
        /// The label name.
        public var name: String
        /// Its value (empty when the alert lacks the label).
        public var value: String
    }

    /// Creates a key; the pairs are sorted by name, a repeated name keeps its first value.
    public init(_ pairs: [(String, String)]) {
        var seen = Set<String>()
        var labels: [KeyLabel] = []
        for (name, value) in pairs where seen.insert(name).inserted {
            labels.append(KeyLabel(name: name, value: value))
        }
        self.labels = labels.sorted { $0.name < $1.name }
    }

    /// Parses the canonical text form (``text``); `nil` when malformed.
    public init?(text: String) {
        guard let object = JSONText.parseStringMap(text) else { return nil }
        self.init(object.map { ($0.key, $0.value) })
    }

    /// The canonical text stored and compared: a JSON object with sorted keys, `{"region":"us-east"}`.
    public var text: String {
        JSONText.object(Dictionary(uniqueKeysWithValues: labels.map { ($0.name, $0.value) }))
    }

    /// The key as a label map.
    public var map: [String: String] {
        Dictionary(uniqueKeysWithValues: labels.map { ($0.name, $0.value) })
    }

    /// `region="us-east"` pairs, comma-separated, for logs and the CLI.
    public var description: String {
        labels.isEmpty ? "{}" : labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
    }

    /// Orders keys by their canonical text (the order in which batches lock them).
    public static func < (lhs: IncidentKey, rhs: IncidentKey) -> Bool { lhs.text < rhs.text }
}
