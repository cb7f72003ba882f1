/// A JSON value with ordered object keys, so fake answers keep the field order and `null`s of the recordings.
enum FakeJSON: Sendable {
    case object([(String, FakeJSON)])
    case array([FakeJSON])
    case string(String)
    case int(Int)
    case bool(Bool)
    case null

    /// An optional string, `null` when absent.
    static func string(_ value: String?) -> FakeJSON { value.map(FakeJSON.string) ?? .null }
    /// An optional integer, `null` when absent.
    static func int(_ value: Int?) -> FakeJSON { value.map(FakeJSON.int) ?? .null }

    /// Compact serialisation.
    var text: String {
        switch self {
        case .object(let fields):
            return "{" + fields.map { "\(Self.quote($0.0)):\($0.1.text)" }.joined(separator: ",") + "}"
        case .array(let items):
            return "[" + items.map(\.text).joined(separator: ",") + "]"
        case .string(let value):
            return Self.quote(value)
        case .int(let value):
            return String(value)
        case .bool(let value):
            return value ? "true" : "false"
        case .null:
            return "null"
        }
    }

    /// The serialisation as bytes.
    var bytes: [UInt8] { Array(text.utf8) }

    private static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
