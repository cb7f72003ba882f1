import FailoverCore
import Testing

@Suite("Audit signing keys: the PEM files openssl writes")
struct AuditSigningKeyTests {
    /// Written by `openssl genpkey -algorithm ed25519` and `openssl pkey -pubout` (OpenSSL 3).
    static let opensslPrivate = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIKVc2/JUOnceYJatt3rgcL7GFb64r37GK+2n9bqx9BOU
        -----END PRIVATE KEY-----

        """
    static let opensslPublic = """
        -----BEGIN PUBLIC KEY-----
        MCowBQYDK2VwAyEAmQ3LiuIoXkdZM+wZUSH/UV0AaQdWqI4x4cTjLjDN60o=
        -----END PUBLIC KEY-----

        """

    @Test("openssl's private key signs what its public key verifies; both round-trip")
    func opensslKeys() throws {
        let key = try AuditSigningKey(pem: Self.opensslPrivate)
        let publicKey = try AuditVerifyingKey(pem: Self.opensslPublic)
        #expect(key.verifyingKey.pemRepresentation == Self.opensslPublic)
        #expect(key.pemRepresentation == Self.opensslPrivate)
        #expect(key.keyID == publicKey.keyID)
        #expect(key.keyID.count == 16)
        var head = try key.sign(headID: 7, headHash: .genesis, now: 1_000)
        #expect(publicKey.isValidSignature(of: head))
        head.headID = 8
        #expect(!publicKey.isValidSignature(of: head), "the id is signed")
        #expect(!AuditSigningKey.generate().verifyingKey.isValidSignature(of: head))
    }

    @Test(
        "anything but an Ed25519 key in PEM is refused with a clear message",
        arguments: [
            ("", "not a PEM file"),
            ("MC4CAQAwBQYDK2VwBCIEIKVc2/JUOnceYJatt3rgcL7GFb64r37GK+2n9bqx9BOU", "not a PEM file"),
            (opensslPublic, "\"PRIVATE KEY\" block"),
            ("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n", "not a PEM file"),
            // An EC P-256 key (openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256), shortened.
            (
                "-----BEGIN PRIVATE KEY-----\nMEECAQAwEwYHKoZIzj0CAQYIKoZIzj0DAQcEJzAlAgEBBCBq\n-----END PRIVATE KEY-----\n",
                "is not an Ed25519 key"
            ),
        ])
    func refused(pem: String, message: String) {
        #expect {
            _ = try AuditSigningKey(pem: pem)
        } throws: { error in
            (error as? AuditKeyError)?.message.contains(message) == true
        }
    }

    @Test("anchors read ID:HASH and ID; anything else is refused")
    func anchors() throws {
        let hex = String(repeating: "ab", count: 32)
        #expect(try AuditAnchor(parsing: "12:\(hex)") == AuditAnchor(id: 12, hash: try AuditHash(hex: hex)))
        #expect(try AuditAnchor(parsing: "12") == AuditAnchor(id: 12, hash: nil))
        for bad in ["", "0", "-3", "x:\(hex)", "12:", "12:abc", "12:\(hex)00"] {
            #expect(throws: AuditAnchorError.self) { try AuditAnchor(parsing: bad) }
        }
    }
}
