/// The API's answer to `execute` and `failback`: `{"runbook", "key", "execution", "phase"}` (202).
struct OperatorActionAnswer: Decodable {
    /// The runbook.
    var runbook: String
    /// The runbook key.
    var key: [String: String]
    /// The execution scheduled, when one was.
    var execution: Int64?
    /// The key's phase after the action.
    var phase: String?
}
