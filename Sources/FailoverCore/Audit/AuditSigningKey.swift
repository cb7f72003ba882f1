import Crypto

/// failoverd's audit signing key: an Ed25519 private key, read from the PKCS#8 PEM file that
/// `openssl genpkey -algorithm ed25519` writes (`audit.signing_key_file`).
public struct AuditSigningKey: Sendable {
    /// The 32 key bytes (swift-crypto's key type is not `Sendable`; it is rebuilt from them to sign).
    private let raw: [UInt8]
    /// The public half, which verifies what this key signs.
    public let verifyingKey: AuditVerifyingKey

    /// The key in a `PRIVATE KEY` PEM block; any other content is refused.
    public init(pem: String) throws(AuditKeyError) {
        self.init(
            key: try AuditPEM.Block.privateKey.read(pem) { try Curve25519.Signing.PrivateKey(rawRepresentation: $0) })
    }

    /// A new random key (tests, and operators who want one without openssl).
    public static func generate() -> AuditSigningKey {
        AuditSigningKey(key: Curve25519.Signing.PrivateKey())
    }

    private init(key: Curve25519.Signing.PrivateKey) {
        raw = [UInt8](key.rawRepresentation)
        verifyingKey = AuditVerifyingKey(key: key.publicKey)
    }

    /// The key as PKCS#8 PEM, as openssl writes it.
    public var pemRepresentation: String {
        AuditPEM.Block.privateKey.encode(raw)
    }

    /// The key id, the public key's (``AuditVerifyingKey/keyID``).
    public var keyID: String { verifyingKey.keyID }

    /// Signs "event `headID` had `headHash`" at `now` (milliseconds since the epoch).
    public func sign(headID: Int64, headHash: AuditHash, now: Int64) throws(AuditKeyError) -> AuditSignedHead {
        let message = AuditSignedHead.message(
            headID: headID, headHash: headHash, signedAtMilliseconds: now, keyID: keyID)
        do {
            return AuditSignedHead(
                headID: headID, headHash: headHash, signedAtMilliseconds: now, keyID: keyID,
                signature: [UInt8](try Curve25519.Signing.PrivateKey(rawRepresentation: raw).signature(for: message)))
        } catch {
            throw .rejected(String(describing: error))
        }
    }
}
