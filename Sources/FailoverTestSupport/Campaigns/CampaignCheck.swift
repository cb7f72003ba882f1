/// One check a campaign prints at its end: what is counted, the count, and whether the count is the one required.
public struct CampaignCheck: Sendable, CustomStringConvertible {
    /// What is counted (`acknowledged webhooks lost`).
    public var name: String
    /// The count found.
    public var count: Int
    /// The count required for the check to pass (0 for every failure count).
    public var required: Int
    /// How the count was reached, printed after it.
    public var detail: String

    /// A check that passes when `count` equals `required`.
    public init(_ name: String, count: Int, required: Int = 0, detail: String = "") {
        self.name = name
        self.count = count
        self.required = required
        self.detail = detail
    }

    /// Whether the count is the required one.
    public var passed: Bool { count == required }

    /// `ok   name: count (detail)` or `FAIL name: count, required N (detail)`.
    public var description: String {
        let verdict = passed ? "ok  " : "FAIL"
        let requirement = passed ? "" : ", required \(required)"
        return "\(verdict) \(name): \(count)\(requirement)\(detail.isEmpty ? "" : " (\(detail))")"
    }
}
