/// Reads JSON text back into ``AuditValue``s: strict RFC 8259 syntax, integers only, at most 64 levels deep.
struct AuditJSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private static let maximumDepth = 64

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// Parses a whole document that must be an object.
    mutating func parseObject() throws(AuditFormatError) -> [String: AuditValue] {
        skipWhitespace()
        guard peek() == UInt8(ascii: "{") else { throw .detail("expected a JSON object") }
        guard case .object(let members) = try parseValue(depth: 0) else { throw .detail("expected a JSON object") }
        skipWhitespace()
        guard index == bytes.count else { throw .detail("unexpected text after the object at byte \(index)") }
        return members
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func expect(_ literal: String) throws(AuditFormatError) {
        for byte in literal.utf8 {
            guard peek() == byte else { throw .detail("invalid literal at byte \(index)") }
            index += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(AuditFormatError) -> AuditValue {
        guard depth < Self.maximumDepth else { throw .detail("nested deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        guard let byte = peek() else { throw .detail("unexpected end of text") }
        switch byte {
        case UInt8(ascii: "{"):
            index += 1
            var members: [String: AuditValue] = [:]
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard peek() == UInt8(ascii: "\"") else { throw .detail("expected a key at byte \(index)") }
                let key = try parseString()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw .detail("expected ':' at byte \(index)") }
                index += 1
                guard members.updateValue(try parseValue(depth: depth + 1), forKey: key) == nil else {
                    throw .detail("key \"\(key)\" appears twice")
                }
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(members)
                default: throw .detail("expected ',' or '}' at byte \(index)")
                }
            }
        case UInt8(ascii: "["):
            index += 1
            var elements: [AuditValue] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                switch peek() {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(elements)
                default: throw .detail("expected ',' or ']' at byte \(index)")
                }
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .integer(try parseInteger())
        default:
            throw .detail("unexpected character at byte \(index)")
        }
    }

    private mutating func parseInteger() throws(AuditFormatError) -> Int64 {
        let start = index
        let negative = peek() == UInt8(ascii: "-")
        if negative { index += 1 }
        var magnitude: UInt64 = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            if digits == 1 && magnitude == 0 { throw .detail("leading zero in a number at byte \(start)") }
            let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw .detail("number out of the 64-bit range at byte \(start)") }
            magnitude = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw .detail("invalid number at byte \(start)") }
        if let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            throw .detail("only integers are supported, found a fraction or exponent at byte \(start)")
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw .detail("number out of the 64-bit range") }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw .detail("number out of the 64-bit range") }
        return Int64(magnitude)
    }

    private mutating func parseString() throws(AuditFormatError) -> String {
        index += 1
        var runStart = index
        var text = ""
        func flushRun(_ end: Int) {
            if end > runStart { text.append(String(decoding: bytes[runStart..<end], as: UTF8.self)) }
        }
        while true {
            guard let byte = peek() else { throw .detail("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                flushRun(index)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                flushRun(index)
                index += 1
                guard let escape = peek() else { throw .detail("unterminated string") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): text.append("\"")
                case UInt8(ascii: "\\"): text.append("\\")
                case UInt8(ascii: "/"): text.append("/")
                case UInt8(ascii: "b"): text.append("\u{08}")
                case UInt8(ascii: "f"): text.append("\u{0C}")
                case UInt8(ascii: "n"): text.append("\n")
                case UInt8(ascii: "r"): text.append("\r")
                case UInt8(ascii: "t"): text.append("\t")
                case UInt8(ascii: "u"):
                    var unit = try parseHex4()
                    if (0xD800...0xDBFF).contains(unit) {
                        guard peek() == UInt8(ascii: "\\"), index + 1 < bytes.count,
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { throw .detail("unpaired surrogate at byte \(index)") }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw .detail("unpaired surrogate at byte \(index)")
                        }
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(unit) {
                        throw .detail("unpaired surrogate at byte \(index)")
                    }
                    guard let scalar = Unicode.Scalar(unit) else { throw .detail("invalid escape at byte \(index)") }
                    text.unicodeScalars.append(scalar)
                default:
                    throw .detail("invalid escape at byte \(index - 1)")
                }
                runStart = index
            case 0..<0x20:
                throw .detail("unescaped control character in a string at byte \(index)")
            default:
                index += 1
            }
        }
    }

    private mutating func parseHex4() throws(AuditFormatError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .detail("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .detail("invalid \\u escape at byte \(index)")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
