// TEMPORARY STAND-IN, replaced by the h-core branch's implementation at merge.
import Foundation

public struct AlertMatcher: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case equal = "=", notEqual = "!=", matchesRegex = "=~", notMatchesRegex = "!~"
    }
    public let name: String
    public let op: Operator
    public let value: String
    public init(parsing text: String) throws(MatcherSyntaxError) {
        let ops: [Operator] = [.notMatchesRegex, .matchesRegex, .notEqual, .equal]
        for op in ops {
            if let range = text.range(of: op.rawValue) {
                let name = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
                var value = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                try self.init(name: name, op: op, value: value)
                return
            }
        }
        throw MatcherSyntaxError(offset: 0, message: "no operator")
    }
    public init(name: String, op: Operator, value: String) throws(MatcherSyntaxError) {
        self.name = name
        self.op = op
        self.value = value
    }
    public func matches(_ labels: [String: String]) -> Bool {
        let v = labels[name] ?? ""
        switch op {
        case .equal: return v == value
        case .notEqual: return v != value
        case .matchesRegex, .notMatchesRegex:
            let re = try? NSRegularExpression(pattern: "^(?:" + value + ")$")
            let hit = re?.firstMatch(in: v, range: NSRange(v.startIndex..., in: v)) != nil
            return op == .matchesRegex ? hit : !hit
        }
    }
    public var description: String { "\(name)\(op.rawValue)\"\(value)\"" }
}

public struct MatcherSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { message }
}

public struct AlertMatcherSet: Sendable, Hashable {
    public let matchers: [AlertMatcher]
    public init(_ matchers: [AlertMatcher]) { self.matchers = matchers }
    public func matches(_ labels: [String: String]) -> Bool { matchers.allSatisfy { $0.matches(labels) } }
    public var guaranteedLabels: Set<String> {
        Set(matchers.filter { $0.op == .equal && !$0.value.isEmpty }.map(\.name))
    }
    public var labelNames: [String] {
        var names: [String] = []
        for m in matchers where !names.contains(m.name) { names.append(m.name) }
        return names
    }
}
