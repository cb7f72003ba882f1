/// `server.tls`: the listener's certificate and key, and the CA that client certificates must chain to.
public struct TLSSettings: Sendable, Hashable {
    /// PEM certificate chain presented to clients (the server's certificate first).
    public var certificateFile: String
    /// PEM private key of the certificate; a secret file (its mode is checked like the others).
    public var keyFile: String
    /// PEM CA certificates; when set, every client must present a certificate signed by one of them (mutual TLS).
    public var clientCAFile: String?

    /// Creates TLS settings.
    public init(certificateFile: String, keyFile: String, clientCAFile: String? = nil) {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.clientCAFile = clientCAFile
    }
}
