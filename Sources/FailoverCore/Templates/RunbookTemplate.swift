// TEMPORARY STAND-IN, replaced by the h-core branch's implementation at merge.
public enum TemplateReference: Sendable, Hashable, CustomStringConvertible {
    case label(String), annotation(String), runbook, executionID, incidentID, executionKind
    public var description: String { "\(self)" }
}
public struct TemplateSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { message }
}
public enum TemplateEscaping: Sendable, Hashable { case none, json, urlComponent }
public struct TemplateContext: Sendable, Hashable {
    public var labels: [String: String]
    public var annotations: [String: String]
    public var runbook: String
    public var executionID: Int64
    public var incidentID: Int64?
    public var executionKind: String
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
}
public struct RunbookTemplate: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    public init(parsing text: String) throws(TemplateSyntaxError) { source = text }
    public var isLiteral: Bool { !source.contains("{{") }
    public struct Ref: Sendable, Hashable { public var reference: TemplateReference; public var offset: Int }
    public var references: [Ref] { [] }
    public func render(_ context: TemplateContext, escaping: TemplateEscaping) -> String {
        var out = source
        for (k, v) in context.labels { out = out.replacingOccurrences(of: "{{ labels.\(k) }}", with: v) }
        out = out.replacingOccurrences(of: "{{ runbook }}", with: context.runbook)
        out = out.replacingOccurrences(of: "{{ execution_id }}", with: String(context.executionID))
        return out
    }
    public var description: String { source }
}
import Foundation
