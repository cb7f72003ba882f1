/// The structured detail of an audit event: a JSON object held as its text.
///
/// Built from values (``init(_:)``, a dictionary literal), the text is canonical (see ``AuditJSON``): members
/// sorted, no whitespace, so equal details give equal bytes and equal hashes. Read back from storage
/// (``init(storedJSON:)``), the text is kept verbatim, so that verification hashes exactly what is stored and any
/// edit, even a reformatting, breaks the chain. Never put secrets in a detail.
public struct AuditDetail: Sendable, Hashable, CustomStringConvertible, ExpressibleByDictionaryLiteral {
    /// The JSON object text.
    public let json: String

    /// The empty object, `{}`.
    public static let empty = AuditDetail(storedJSON: "{}")

    /// A detail from values, encoded canonically.
    public init(_ values: [String: AuditValue]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 24 + 2)
        AuditJSON.appendObject(values.map { ($0.key, $0.value) }, to: &bytes)
        json = String(decoding: bytes, as: UTF8.self)
    }

    /// A detail from a literal; a key given twice keeps its last value.
    public init(dictionaryLiteral elements: (String, AuditValue)...) {
        var members: [(String, AuditValue)] = []
        members.reserveCapacity(elements.count)
        for element in elements {
            if let existing = members.firstIndex(where: { $0.0 == element.0 }) {
                members[existing] = element
            } else {
                members.append(element)
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(elements.count * 24 + 2)
        AuditJSON.appendObject(members, to: &bytes)
        json = String(decoding: bytes, as: UTF8.self)
    }

    /// A detail exactly as stored (not re-encoded).
    public init(storedJSON: String) {
        json = storedJSON
    }

    /// The members; throws when the text is not a JSON object of integers, strings, booleans, nulls, arrays and
    /// objects.
    public func values() throws(AuditFormatError) -> [String: AuditValue] {
        let bytes = Array(json.utf8)
        let result: Result<[String: AuditValue], WebhookDecodingError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            do throws(WebhookDecodingError) {
                return .success(try reader.readAuditObject())
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let members): return members
        case .failure(let error): throw .detail(error.message)
        }
    }

    /// One member, `nil` when absent or when the text cannot be read.
    public subscript(key: String) -> AuditValue? { (try? values())?[key] }

    /// The JSON text.
    public var description: String { json }
}
