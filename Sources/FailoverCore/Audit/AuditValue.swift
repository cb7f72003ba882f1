/// A JSON value in an audit event's detail.
///
/// Numbers are integers only: a canonical text for floating-point numbers needs the ECMAScript number printer,
/// and nothing failoverd records needs one (durations are milliseconds, ratios are strings). Integers outside
/// ±(2^53 − 1) are written exactly as decimal digits, which is where this encoding and RFC 8785 part ways.
public enum AuditValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer.
    case integer(Int64)
    /// A string.
    case string(String)
    /// An array.
    case array([AuditValue])
    /// An object; its keys are written sorted in the canonical encoding.
    case object([String: AuditValue])
}

extension AuditValue: ExpressibleByNilLiteral {
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
}

extension AuditValue: ExpressibleByBooleanLiteral {
    /// A boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AuditValue: ExpressibleByIntegerLiteral {
    /// An integer.
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension AuditValue: ExpressibleByStringInterpolation {
    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }

    /// A string built by interpolation.
    public init(stringInterpolation: DefaultStringInterpolation) {
        self = .string(String(stringInterpolation: stringInterpolation))
    }
}

extension AuditValue: ExpressibleByArrayLiteral {
    /// An array.
    public init(arrayLiteral elements: AuditValue...) { self = .array(elements) }
}

extension AuditValue: ExpressibleByDictionaryLiteral {
    /// An object; a key given twice keeps its last value.
    public init(dictionaryLiteral elements: (String, AuditValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension AuditValue {
    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, when this is one.
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The value's canonical JSON text (see ``AuditDetail``).
    public var canonicalJSON: String {
        var bytes: [UInt8] = []
        AuditJSON.append(self, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
