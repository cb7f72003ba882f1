import FailoverCore

/// One audit event as the operator API returns it (`GET /api/v1/audit`), parsed for tests: its subjects as typed
/// fields and its detail as ``AuditValue``s.
public struct AuditRecordSnapshot: Sendable, Hashable, CustomStringConvertible {
    /// The event's id: its place in the hash chain.
    public var id: Int64
    /// The type's raw value (`runbook.started`).
    public var type: String
    /// Who acted (`engine`, `bearer`, `admin:bearer`, …).
    public var actor: String
    /// `success`, `failure`, `cancelled`, `suppressed`, …
    public var outcome: String
    /// The episode it is about.
    public var episode: Int64?
    /// The execution it is about.
    public var execution: Int64?
    /// The runbook it is about.
    public var runbook: String?
    /// The event's detail.
    public var detail: [String: AuditValue]
    /// When it was recorded, as the API writes it (`2026-12-01T10:54:14.525Z`).
    public var time: String

    /// Parses one event object as the API writes it; `nil` when `json` is not such an object.
    public init?(json: String) {
        guard let object = try? AuditDetail(storedJSON: json).values(), let id = object["id"]?.integerValue,
            let type = object["type"]?.stringValue
        else { return nil }
        self.id = id
        self.type = type
        actor = object["actor"]?.stringValue ?? ""
        outcome = object["outcome"]?.stringValue ?? ""
        episode = object["episode"]?.integerValue
        execution = object["execution"]?.integerValue
        runbook = object["runbook"]?.stringValue
        time = object["time"]?.stringValue ?? ""
        if case .object(let members) = object["detail"] {
            detail = members
        } else {
            detail = [:]
        }
    }

    /// A detail member that is a string.
    public func string(_ name: String) -> String? { detail[name]?.stringValue }

    /// A detail member that is an integer.
    public func integer(_ name: String) -> Int64? { detail[name]?.integerValue }

    /// A detail member that is a boolean.
    public func flag(_ name: String) -> Bool? {
        if case .bool(let value) = detail[name] { return value }
        return nil
    }

    /// The transitions listed in a `webhook.received` event's `alerts` (`opened`, `duplicate_firing`, …).
    public var alertTransitions: [String] {
        guard case .array(let alerts) = detail["alerts"] else { return [] }
        return alerts.compactMap { alert in
            guard case .object(let members) = alert else { return nil }
            return members["transition"]?.stringValue
        }
    }

    /// `id type execution step kind`, for failure messages.
    public var description: String {
        var text = "#\(id) \(type)"
        if let execution { text += " execution=\(execution)" }
        for name in ["kind", "step", "state", "from", "to", "reason"] {
            if let value = string(name) { text += " \(name)=\(value)" }
        }
        return text
    }
}
