/// One runbook execution as `GET /api/v1/executions` and `GET /api/v1/executions/{id}` show it, decoded for
/// tests: its state, how often it was claimed, where it resumes, and (in the detail view) its step records.
public struct ExecutionSnapshot: Sendable, Hashable, Decodable, CustomStringConvertible {
    /// One recorded step of the execution (detail view only).
    public struct Step: Sendable, Hashable, Decodable, CustomStringConvertible {
        /// `0`, `1`, or `1.0` for the first child of a parallel group.
        public var path: String
        /// `dns`, `http_check`, `exec`, `wait`, `parallel`, …
        public var kind: String
        /// `running`, `succeeded`, `failed` or `skipped`.
        public var state: String
        /// Tries over every run.
        public var attempts: Int
        /// How often the step was started: more than once when it was rerun after an interruption.
        public var runs: Int
        /// The fencing token of the claim that wrote the record last.
        public var fence: Int64
        /// One line saying what it did.
        public var summary: String?
        /// Why it failed.
        public var error: String?
        /// The step's detail (before and after, output, …) as JSON text.
        public var detail: String

        /// `path kind state runs=N`, for failure messages.
        public var description: String { "step \(path) \(kind) \(state) runs=\(runs) \(summary ?? "")" }
    }

    /// The execution's id.
    public var id: Int64
    /// The runbook's name.
    public var runbook: String
    /// The key labels.
    public var key: [String: String]
    /// The incident it belongs to.
    public var incident: Int64?
    /// `failover` or `failback`.
    public var kind: String
    /// `scheduled`, `running`, `succeeded`, `failed`, `cancelled` or `suppressed`.
    public var state: String
    /// `alert` or `operator`.
    public var trigger: String
    /// Why it failed or was cancelled.
    public var error: String?
    /// How often it was claimed: 2 after one take-back following a crash.
    public var claims: Int
    /// The first top-level step not finished.
    public var nextStep: Int
    /// The current claim's owner (`host:pid:random`), while one holds it.
    public var claimOwner: String?
    /// The current (or last) claim's fencing token.
    public var fence: Int64?
    /// The step records; `nil` in list views.
    public var steps: [Step]?

    /// The record of the step at `path`, when the detail view has one.
    public func step(_ path: String) -> Step? {
        steps?.first { $0.path == path }
    }

    /// Whether the execution is over (neither scheduled nor running).
    public var isFinal: Bool { state != "scheduled" && state != "running" }

    /// One line per execution and step, for failure messages.
    public var description: String {
        var text = "execution \(id) \(kind) \(state) claims=\(claims) next_step=\(nextStep)"
        if let error { text += " error=\(error)" }
        for step in steps ?? [] { text += "\n  \(step)" }
        return text
    }
}
