/// TLS on the listener: the server's key and certificate chain, and the CAs a client certificate must chain to.
///
/// The PEM text is handed to GnuTLS once, when the server starts; later changes need a new server.
public struct HTTPServerTLS: Sendable, Equatable {
    /// The PEM private key.
    public var keyPEM: String
    /// The PEM certificate chain, the server's certificate first.
    public var certificatePEM: String
    /// PEM CA certificates; when set, each request must come over a connection whose client presented a
    /// certificate that one of them signed (mutual TLS), or it gets 403.
    public var clientCAPEM: String?

    /// Creates TLS settings from PEM text.
    public init(keyPEM: String, certificatePEM: String, clientCAPEM: String? = nil) {
        self.keyPEM = keyPEM
        self.certificatePEM = certificatePEM
        self.clientCAPEM = clientCAPEM
    }
}
