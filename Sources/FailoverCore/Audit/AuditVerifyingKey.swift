import Crypto

/// The public key that checks signed audit heads: an Ed25519 public key, read from the `PUBLIC KEY` PEM file that
/// `openssl pkey -pubout` writes. It is all a verifier needs, so it can live where the database host cannot
/// reach.
public struct AuditVerifyingKey: Sendable {
    /// The 32 key bytes (swift-crypto's key type is not `Sendable`; it is rebuilt from them to verify).
    private let raw: [UInt8]
    /// The first 8 bytes of the SHA-256 of the 32 raw key bytes, in hex: which key signed a head.
    public let keyID: String

    /// The key in a `PUBLIC KEY` PEM block; any other content is refused.
    public init(pem: String) throws(AuditKeyError) {
        self.init(
            key: try AuditPEM.Block.publicKey.read(pem) { try Curve25519.Signing.PublicKey(rawRepresentation: $0) })
    }

    init(key: Curve25519.Signing.PublicKey) {
        raw = [UInt8](key.rawRepresentation)
        keyID = SHA256.hash(data: key.rawRepresentation).prefix(8).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// The key as `SubjectPublicKeyInfo` PEM, as `openssl pkey -pubout` writes it.
    public var pemRepresentation: String {
        AuditPEM.Block.publicKey.encode(raw)
    }

    /// Whether `head` was signed by this key: its key id is this key's and its signature verifies.
    public func isValidSignature(of head: AuditSignedHead) -> Bool {
        guard head.keyID == keyID, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            return false
        }
        return key.isValidSignature(head.signature, for: head.message)
    }
}
