/// A strict streaming JSON reader (RFC 8259) over a byte buffer, for the webhook body.
///
/// Hand-written rather than `JSONDecoder`: on Linux, decoding the Alertmanager payload through `Codable` took a
/// third of the webhook path's CPU in `make bench` profiles (generic metadata lookups, boxing, dictionary
/// decoding), which alone kept group commit below the throughput target. This reader pulls exactly the fields the
/// contract names, validates the syntax of everything else while skipping it, and reports errors with the path
/// of the offending field.
struct JSONReader: ~Copyable {
    /// Where an object's members stand while they are read.
    struct ObjectState {
        fileprivate var first = true
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private static let maximumDepth = 64

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: Document

    /// Positions the reader inside the top-level object.
    mutating func beginDocument() throws(WebhookDecodingError) -> ObjectState {
        skipWhitespace()
        guard index < bytes.count else { throw .malformedJSON("the body is empty") }
        guard bytes[index] == UInt8(ascii: "{") else {
            if isValueStart(bytes[index]) {
                throw .malformedJSON("expected a JSON object, found \(describeValue(at: index))")
            }
            throw syntaxError()
        }
        index += 1
        return ObjectState()
    }

    /// Checks that nothing but whitespace follows the top-level object.
    mutating func endDocument() throws(WebhookDecodingError) {
        skipWhitespace()
        guard index == bytes.count else {
            throw .malformedJSON("unexpected data after the JSON object at byte \(index)")
        }
    }

    // MARK: Objects

    /// Starts reading an object value; `nil` when the value is `null`.
    mutating func beginObject(
        path: @autoclosure () -> String, expectation: String
    ) throws(WebhookDecodingError) -> ObjectState? {
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        if try consumeNull() { return nil }
        guard bytes[index] == UInt8(ascii: "{") else { throw typeError(path: path(), expectation) }
        index += 1
        return ObjectState()
    }

    /// The next member's key, with the reader placed on its value; `nil` after the closing brace.
    mutating func nextKey(_ state: inout ObjectState) throws(WebhookDecodingError) -> String? {
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            return nil
        }
        if !state.first {
            guard bytes[index] == UInt8(ascii: ",") else { throw syntaxError() }
            index += 1
            skipWhitespace()
            guard index < bytes.count else { throw endOfInput() }
        }
        state.first = false
        guard bytes[index] == UInt8(ascii: "\"") else { throw syntaxError() }
        let key = try readStringLiteral()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
            throw index < bytes.count ? syntaxError() : endOfInput()
        }
        index += 1
        return key
    }

    // MARK: Arrays

    /// Starts reading an array value; `nil` when the value is `null`.
    mutating func beginArray(
        path: @autoclosure () -> String, expectation: String
    ) throws(WebhookDecodingError) -> ObjectState? {
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        if try consumeNull() { return nil }
        guard bytes[index] == UInt8(ascii: "[") else { throw typeError(path: path(), expectation) }
        index += 1
        return ObjectState()
    }

    /// Whether another element follows (the reader is then placed on it).
    mutating func nextElement(_ state: inout ObjectState) throws(WebhookDecodingError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            return false
        }
        if !state.first {
            guard bytes[index] == UInt8(ascii: ",") else { throw syntaxError() }
            index += 1
        }
        state.first = false
        return true
    }

    // MARK: Scalars

    /// A string value; `nil` for `null`.
    mutating func readString(
        path: @autoclosure () -> String, expectation: String = "expected a string"
    ) throws(WebhookDecodingError)
        -> String?
    {
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        if try consumeNull() { return nil }
        guard bytes[index] == UInt8(ascii: "\"") else { throw typeError(path: path(), expectation) }
        return try readStringLiteral()
    }

    /// An integer value; `nil` for `null`.
    mutating func readInteger(path: @autoclosure () -> String) throws(WebhookDecodingError) -> Int? {
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        if try consumeNull() { return nil }
        let start = index
        guard bytes[index] == UInt8(ascii: "-") || isDigit(bytes[index]) else {
            throw typeError(path: path(), "expected an integer")
        }
        let isInteger = try scanNumber()
        guard isInteger,
            let value = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        else { throw .invalidField(path(), "expected an integer") }
        return value
    }

    /// An object whose values are all strings (labels, annotations); `nil` for `null`.
    mutating func readStringMap(path: @autoclosure () -> String) throws(WebhookDecodingError) -> [String: String]? {
        try readStringMapWithText(path: path())?.map
    }

    /// An object whose values are all strings, with its JSON text exactly as it stands in the input.
    mutating func readStringMapWithText(
        path: @autoclosure () -> String
    ) throws(WebhookDecodingError)
        -> (map: [String: String], text: String)?
    {
        skipWhitespace()
        let start = index
        guard var state = try beginObject(path: path(), expectation: "expected an object of string values") else {
            return nil
        }
        var map: [String: String] = [:]
        while let key = try nextKey(&state) {
            guard let value = try readString(path: path() + "." + key, expectation: "expected a string value") else {
                throw .invalidField(path() + "." + key, "expected a string value")
            }
            map[key] = value
        }
        // Every string inside was validated as UTF-8 and the rest is ASCII syntax.
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return (map, text)
    }

    /// The first byte of the next value, whitespace skipped, without consuming it; `nil` at the end.
    mutating func peekValueStart() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// Reads `true`, `false` or `null` (`nil`).
    mutating func readLiteral() throws(WebhookDecodingError) -> Bool? {
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        switch bytes[index] {
        case UInt8(ascii: "t"):
            try consumeLiteral("true")
            return true
        case UInt8(ascii: "f"):
            try consumeLiteral("false")
            return false
        default:
            try consumeLiteral("null")
            return nil
        }
    }

    /// Skips any value, checking its syntax.
    mutating func skipValue(depth: Int = 0) throws(WebhookDecodingError) {
        guard depth < Self.maximumDepth else { throw .malformedJSON("nesting deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        guard index < bytes.count else { throw endOfInput() }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var state = ObjectState()
            while try nextKey(&state) != nil { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            index += 1
            var state = ObjectState()
            while try nextElement(&state) { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            _ = try readStringLiteral()
        case UInt8(ascii: "t"):
            try consumeLiteral("true")
        case UInt8(ascii: "f"):
            try consumeLiteral("false")
        case UInt8(ascii: "n"):
            try consumeLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try scanNumber()
        default:
            throw syntaxError()
        }
    }

    // MARK: Lexing

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func isValueStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: false
        }
    }

    private func describeValue(at position: Int) -> String {
        switch bytes[position] {
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        default: "a number"
        }
    }

    private mutating func consumeNull() throws(WebhookDecodingError) -> Bool {
        guard bytes[index] == UInt8(ascii: "n") else { return false }
        try consumeLiteral("null")
        return true
    }

    private mutating func consumeLiteral(_ literal: StaticString) throws(WebhookDecodingError) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw endOfInput() }
        let matches = literal.withUTF8Buffer { expected in
            for offset in 0..<count where bytes[index + offset] != expected[offset] { return false }
            return true
        }
        guard matches else { throw syntaxError() }
        index += count
    }

    /// Scans a number; returns whether it was an integer (no fraction, no exponent).
    private mutating func scanNumber() throws(WebhookDecodingError) -> Bool {
        var integer = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw index < bytes.count ? syntaxError() : endOfInput()
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integer = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw syntaxError() }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integer = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw syntaxError() }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return integer
    }

    /// Reads a string literal starting at its opening quote.
    private mutating func readStringLiteral() throws(WebhookDecodingError) -> String {
        index += 1
        let start = index
        var ascii = true
        // Fast path: no escapes; ASCII needs no UTF-8 validation.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                if ascii { return String(decoding: slice, as: UTF8.self) }
                guard let text = String(validating: slice, as: UTF8.self) else {
                    throw .malformedJSON("invalid UTF-8 in a string at byte \(start)")
                }
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw .malformedJSON("control character in a string at byte \(index)") }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
        guard index < bytes.count else { throw endOfInput() }
        var decoded = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                guard let text = String(validating: decoded, as: UTF8.self) else {
                    throw .malformedJSON("invalid UTF-8 in a string at byte \(start)")
                }
                return text
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw endOfInput() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): decoded.append(0x22)
                case UInt8(ascii: "\\"): decoded.append(0x5C)
                case UInt8(ascii: "/"): decoded.append(0x2F)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u")
                        else { throw .malformedJSON("unpaired surrogate in a string at byte \(index)") }
                        index += 2
                        let low = try readHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw .malformedJSON("unpaired surrogate in a string at byte \(index)")
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw .malformedJSON("unpaired surrogate in a string at byte \(index)")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw syntaxError() }
                    decoded.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    throw .malformedJSON("invalid escape in a string at byte \(index - 1)")
                }
            default:
                guard byte >= 0x20 else { throw .malformedJSON("control character in a string at byte \(index)") }
                decoded.append(byte)
                index += 1
            }
        }
        throw endOfInput()
    }

    private mutating func readHex4() throws(WebhookDecodingError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw endOfInput() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .malformedJSON("invalid \\u escape at byte \(index)")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    // MARK: Errors

    /// The error for the byte at the read position; at the end of the input (a number cut off after `2.` or
    /// `1e`, found by fuzzing: reading the byte there trapped), the end-of-input error.
    private func syntaxError() -> WebhookDecodingError {
        guard index < bytes.count else { return endOfInput() }
        let byte = bytes[index]
        let shown =
            byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return .malformedJSON("unexpected \(shown) at byte \(index)")
    }

    private func endOfInput() -> WebhookDecodingError { .malformedJSON("unexpected end of input") }

    private func typeError(path: String, _ expectation: String) -> WebhookDecodingError {
        .invalidField(path, expectation)
    }
}
