/// A chain head signed with failoverd's audit signing key: "at `signedAt`, event ``headID`` had ``headHash``".
///
/// The signature covers ``message``, a fixed text of every field but the signature itself, so a signed head cannot
/// be moved to another id, hash, time or key. Anyone with the public key can check it (``AuditVerifyingKey``),
/// without trusting the database that stores it.
public struct AuditSignedHead: Sendable, Hashable {
    /// The id of the event signed.
    public var headID: Int64
    /// That event's hash.
    public var headHash: AuditHash
    /// When it was signed, in milliseconds since the epoch.
    public var signedAtMilliseconds: Int64
    /// The signing key's id (``AuditVerifyingKey/keyID``).
    public var keyID: String
    /// The Ed25519 signature of ``message``, 64 bytes.
    public var signature: [UInt8]

    /// Describes a signed head.
    public init(headID: Int64, headHash: AuditHash, signedAtMilliseconds: Int64, keyID: String, signature: [UInt8]) {
        self.headID = headID
        self.headHash = headHash
        self.signedAtMilliseconds = signedAtMilliseconds
        self.keyID = keyID
        self.signature = signature
    }

    /// The bytes signed: `failoverd-audit-head-v1`, the id, the hash in hex, the time and the key id, one a line.
    public var message: [UInt8] {
        Self.message(headID: headID, headHash: headHash, signedAtMilliseconds: signedAtMilliseconds, keyID: keyID)
    }

    static func message(headID: Int64, headHash: AuditHash, signedAtMilliseconds: Int64, keyID: String) -> [UInt8] {
        Array("failoverd-audit-head-v1\n\(headID)\n\(headHash.hex)\n\(signedAtMilliseconds)\n\(keyID)\n".utf8)
    }

    /// When it was signed, RFC 3339 in UTC.
    public var signedAt: String {
        var text: [UInt8] = []
        AuditTime.appendRFC3339(milliseconds: signedAtMilliseconds, to: &text)
        return String(decoding: text, as: UTF8.self)
    }
}
