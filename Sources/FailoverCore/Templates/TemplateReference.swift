/// A variable a runbook template refers to, such as `{{ labels.region }}`.
public enum TemplateReference: Sendable, Hashable, CustomStringConvertible {
    /// `{{ labels.NAME }}`: a label of the alert that triggered the runbook.
    case label(String)
    /// `{{ annotations.NAME }}`: an annotation of that alert.
    case annotation(String)
    /// `{{ runbook }}`: the runbook's name.
    case runbook
    /// `{{ execution_id }}`: the id of this execution.
    case executionID
    /// `{{ incident_id }}`: the id of the incident the execution belongs to.
    case incidentID
    /// `{{ kind }}`: `failover` or `failback`.
    case executionKind

    /// The path as written in a template: `labels.region`, `runbook`, `execution_id`.
    public var description: String {
        switch self {
        case .label(let name): "labels.\(name)"
        case .annotation(let name): "annotations.\(name)"
        case .runbook: "runbook"
        case .executionID: "execution_id"
        case .incidentID: "incident_id"
        case .executionKind: "kind"
        }
    }
}
