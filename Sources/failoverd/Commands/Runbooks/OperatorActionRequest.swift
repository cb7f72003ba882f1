/// The JSON bodies of the runbook actions: `execute` and `failback` (labels, flags), `pause` (a reason).
struct OperatorActionRequest: Encodable {
    /// The runbook key's labels.
    var labels: [String: String]?
    /// Only read and plan.
    var dryRun: Bool?
    /// Run although the key's state says no (a paused runbook, a hold not over, an incident still firing).
    var force: Bool?
    /// Why a runbook is paused.
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case labels
        case dryRun = "dry_run"
        case force
        case reason
    }

    /// An empty body (`resume`, `cancel`).
    static let empty = OperatorActionRequest()
}
