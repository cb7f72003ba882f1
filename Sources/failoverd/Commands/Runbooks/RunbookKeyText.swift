/// A runbook key as operators type it: `region=us-east,site=a`, label names in order.
enum RunbookKeyText {
    /// The key's text; `(no key labels)` for a runbook keyed by nothing.
    static func describe(_ key: [String: String]) -> String {
        guard !key.isEmpty else { return "(no key labels)" }
        return key.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
