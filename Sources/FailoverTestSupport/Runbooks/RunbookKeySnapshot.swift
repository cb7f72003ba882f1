/// One runbook key as `GET /api/v1/runbooks` shows it: which phase it is in and which side serves.
public struct RunbookKeySnapshot: Sendable, Hashable, Decodable, CustomStringConvertible {
    /// The runbook's name.
    public var runbook: String
    /// The key labels (`region: us-east`).
    public var key: [String: String]
    /// `normal`, `failing_over`, `failed_over`, `failing_back` or `failed`.
    public var phase: String
    /// `primary`, `secondary` or `unknown`.
    public var activeSide: String
    /// The open incident's id.
    public var openIncident: Int64?
    /// The scheduled or running execution's id.
    public var activeExecution: Int64?
    /// When the failback hold ends.
    public var failbackDueAt: String?

    /// `runbook {key} phase/side`, for failure messages.
    public var description: String {
        let labels = key.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return "\(runbook){\(labels)} \(phase)/\(activeSide)"
    }
}
