/// An Ed25519 key file that failoverd cannot use: not PEM, not the expected key type, or damaged.
public struct AuditKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, for the operator.
    public let message: String

    private init(_ message: String) {
        self.message = message
    }

    /// The text has no `-----BEGIN label-----` … `-----END label-----` block with valid base64 inside.
    public static func notPEM(expected label: String) -> Self {
        .init("not a PEM file with a \"\(label)\" block (as openssl writes it)")
    }

    /// The PEM block decodes, but not to the DER structure of an Ed25519 key of this kind.
    public static func notEd25519(_ kind: String, length: Int) -> Self {
        .init(
            "the \(kind) is not an Ed25519 key (\(length) bytes of DER; `openssl genpkey -algorithm ed25519` "
                + "writes one, `openssl pkey -pubout` its public key)")
    }

    /// The key bytes were refused by the signature library.
    public static func rejected(_ reason: String) -> Self { .init("the Ed25519 key is not usable: \(reason)") }

    public var description: String { message }
}
