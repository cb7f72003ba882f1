extension JSONReader {
    /// The deepest nesting a stored audit detail may have.
    static let maximumAuditDepth = 64

    /// Reads a whole document that must be an object of ``AuditValue``s: integers only (the canonical encoding
    /// has no floating point), each key once.
    mutating func readAuditObject() throws(WebhookDecodingError) -> [String: AuditValue] {
        var object = try beginDocument()
        let members = try readAuditMembers(&object, depth: 1)
        try endDocument()
        return members
    }

    private mutating func readAuditMembers(
        _ object: inout ObjectState, depth: Int
    ) throws(WebhookDecodingError)
        -> [String: AuditValue]
    {
        var members: [String: AuditValue] = [:]
        while let key = try nextKey(&object) {
            guard members.updateValue(try readAuditValue(depth: depth), forKey: key) == nil else {
                throw .malformedJSON("key \"\(key)\" appears twice")
            }
        }
        return members
    }

    private mutating func readAuditValue(depth: Int) throws(WebhookDecodingError) -> AuditValue {
        guard depth < Self.maximumAuditDepth else {
            throw .malformedJSON("nesting deeper than \(Self.maximumAuditDepth) levels")
        }
        switch peekValueStart() ?? 0 {  // 0: the end, which readLiteral reports
        case UInt8(ascii: "{"):
            guard var object = try beginObject(path: "", expectation: "expected an object") else { return .null }
            return .object(try readAuditMembers(&object, depth: depth + 1))
        case UInt8(ascii: "["):
            guard var array = try beginArray(path: "", expectation: "expected an array") else { return .null }
            var elements: [AuditValue] = []
            while try nextElement(&array) { elements.append(try readAuditValue(depth: depth + 1)) }
            return .array(elements)
        case UInt8(ascii: "\""):
            return try readString(path: "").map(AuditValue.string) ?? .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard let value = try readInteger(path: "number") else { return .null }
            return .integer(Int64(value))
        default:
            return try readLiteral().map(AuditValue.bool) ?? .null
        }
    }
}
