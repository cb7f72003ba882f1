/// The `audit:` section: signing the audit chain's head.
public struct AuditSettings: Sendable, Hashable {
    /// An Ed25519 private key in PKCS#8 PEM (`openssl genpkey -algorithm ed25519`); when set, the service signs
    /// the chain's head every ``signingInterval`` (when it moved) and at stop, so that `failoverd audit verify
    /// --public-key` can prove the log without trusting the database host. Read at start, not on reload; its mode
    /// is checked like every secret file's. Default: none (no signing).
    public var signingKeyFile: String?
    /// How often the head is signed when it moved. Default 60 s: a forger who rewrites the log can hide at most
    /// this much of it from a verification with the public key.
    public var signingInterval: Duration

    /// Creates audit settings with the documented defaults.
    public init(signingKeyFile: String? = nil, signingInterval: Duration = .seconds(60)) {
        self.signingKeyFile = signingKeyFile
        self.signingInterval = signingInterval
    }
}
