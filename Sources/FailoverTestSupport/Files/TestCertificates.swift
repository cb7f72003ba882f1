import Foundation

/// A throwaway PKI made with `openssl` at test time: a CA, a server certificate for `127.0.0.1` and `localhost`
/// that it signs, a client certificate it signs, and a second CA with a client certificate of its own (the
/// wrong CA for a server that trusts the first). Keys have mode 0600, as a secret file should.
public struct TestCertificates: Sendable {
    /// The folder holding every file.
    public let directory: String

    /// The CA that signs the server and the trusted client.
    public var caCertificate: String { directory + "/ca.crt" }
    /// The server's certificate and key.
    public var serverCertificate: String { directory + "/server.crt" }
    /// See ``serverCertificate``.
    public var serverKey: String { directory + "/server.key" }
    /// A client certificate and key signed by ``caCertificate``.
    public var clientCertificate: String { directory + "/client.crt" }
    /// See ``clientCertificate``.
    public var clientKey: String { directory + "/client.key" }
    /// A client certificate and key signed by another CA.
    public var strangerCertificate: String { directory + "/stranger.crt" }
    /// See ``strangerCertificate``.
    public var strangerKey: String { directory + "/stranger.key" }

    /// Generates everything in `directory` (which must exist); throws with openssl's output when it fails.
    public init(in directory: String) throws {
        self.directory = directory
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        let script = [
            "set -e",
            "umask 077",
            "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext",
            "printf 'extendedKeyUsage=clientAuth\\n' > client.ext",
            "openssl req -x509 \(ec) -keyout ca.key -out ca.crt -days 2 -subj '/CN=failoverd test CA'",
            "openssl req -x509 \(ec) -keyout other-ca.key -out other-ca.crt -days 2 -subj '/CN=another CA'",
            "openssl req \(ec) -keyout server.key -out server.csr -subj '/CN=127.0.0.1'",
            "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext"
                + " -out server.crt",
            "openssl req \(ec) -keyout client.key -out client.csr -subj '/CN=alertmanager'",
            "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext"
                + " -out client.crt",
            "openssl req \(ec) -keyout stranger.key -out stranger.csr -subj '/CN=stranger'",
            "openssl x509 -req -in stranger.csr -CA other-ca.crt -CAkey other-ca.key -CAcreateserial -days 2"
                + " -extfile client.ext -out stranger.crt",
            "chmod 0644 ca.crt server.crt client.crt stranger.crt",
        ].joined(separator: "\n")
        let result = try ShellCommand.runBlocking(script, in: directory)
        guard result.status == 0 else { throw TestHTTPError("openssl failed: \(result.output)") }
    }
}
