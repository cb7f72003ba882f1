/// A runbook's `match:` list: several matchers that must all match an alert's labels.
public struct AlertMatcherSet: Sendable, Hashable {
    /// The matchers, in the order written.
    public let matchers: [AlertMatcher]

    /// The matchers in the order ``matches(_:)`` tries them: byte comparisons first, regex-engine ones last,
    /// so that an alert another matcher rules out costs no regex run.
    private let evaluationOrder: [AlertMatcher]

    /// Creates a set; an empty one matches every alert.
    public init(_ matchers: [AlertMatcher]) {
        self.matchers = matchers
        evaluationOrder = matchers.filter { !$0.usesRegexEngine } + matchers.filter(\.usesRegexEngine)
    }

    /// Whether every matcher matches `labels`.
    public func matches(_ labels: [String: String]) -> Bool {
        for matcher in evaluationOrder where !matcher.matches(labels) { return false }
        return true
    }

    /// Label names that every matching alert necessarily carries with a non-empty value: those of the matchers
    /// that do not match the empty string (which stands for a missing label). That is `name="v"` with a
    /// non-empty `v`, `name=~"re"` whose regex cannot match the empty string, and also `name!=""` and
    /// `name!~"re"` whose regex matches the empty string.
    ///
    /// The loader uses these for default key labels and to check that `{{ labels.NAME }}` in templates refers to
    /// a label every triggering alert has.
    public var guaranteedLabels: Set<String> {
        Set(matchers.lazy.filter { !$0.matches(value: "") }.map(\.name))
    }

    /// Label names used in the matchers, in order of first appearance, without repeats (the default
    /// `key_labels`).
    public var labelNames: [String] {
        var seen: Set<String> = []
        return matchers.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }
}
