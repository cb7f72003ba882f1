/// Header fields of an outbound request or its response; names match case-insensitively, order is kept.
///
/// Providers spell the same header `X-RateLimit-Reset`, `x-ratelimit-reset` or `X-Ratelimit-Reset`.
public struct HTTPClientHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    private var fields: [(name: String, value: String)]

    /// Creates empty headers.
    public init() { fields = [] }

    /// Creates headers from name/value pairs in order.
    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of the field, matched case-insensitively.
    public subscript(name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// Every value of the field, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// Appends a field.
    public mutating func add(name: String, value: String) { fields.append((name, value)) }

    /// Replaces every field of that name by one.
    public mutating func replaceOrAdd(name: String, value: String) {
        fields.removeAll { Self.sameName($0.name, name) }
        fields.append((name, value))
    }

    /// Removes every field of that name.
    public mutating func remove(name: String) { fields.removeAll { Self.sameName($0.name, name) } }

    /// Number of fields.
    public var count: Int { fields.count }

    /// Iterates the fields in order.
    public func makeIterator() -> some IteratorProtocol<(name: String, value: String)> { fields.makeIterator() }

    /// `Name: value` lines; an `Authorization` value is shown as `<redacted>`.
    public var description: String {
        fields.map { field in
            Self.sameName(field.name, "Authorization") ? "\(field.name): <redacted>" : "\(field.name): \(field.value)"
        }.joined(separator: "\n")
    }

    static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        for (a, b) in zip(left, right) where a != b {
            let lowerA = (65...90).contains(a) ? a + 32 : a
            let lowerB = (65...90).contains(b) ? b + 32 : b
            if lowerA != lowerB { return false }
        }
        return true
    }
}
