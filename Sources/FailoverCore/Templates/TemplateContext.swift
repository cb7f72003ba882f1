/// The values a runbook template is rendered with: the triggering alert and the execution.
public struct TemplateContext: Sendable, Hashable {
    /// The alert's labels.
    public var labels: [String: String]
    /// The alert's annotations.
    public var annotations: [String: String]
    /// The runbook's name.
    public var runbook: String
    /// The execution's id.
    public var executionID: Int64
    /// The incident's id, when the execution belongs to one; `{{ incident_id }}` renders empty otherwise.
    public var incidentID: Int64?
    /// `failover` or `failback`.
    public var executionKind: String

    /// Creates a context.
    public init(
        labels: [String: String], annotations: [String: String], runbook: String, executionID: Int64,
        incidentID: Int64?, executionKind: String
    ) {
        self.labels = labels
        self.annotations = annotations
        self.runbook = runbook
        self.executionID = executionID
        self.incidentID = incidentID
        self.executionKind = executionKind
    }

    /// The text a reference stands for: a missing label or annotation, or a missing incident id, is empty.
    func value(of reference: TemplateReference) -> String {
        switch reference {
        case .label(let name): labels[name] ?? ""
        case .annotation(let name): annotations[name] ?? ""
        case .runbook: runbook
        case .executionID: String(executionID)
        case .incidentID: incidentID.map { String($0) } ?? ""
        case .executionKind: executionKind
        }
    }
}
