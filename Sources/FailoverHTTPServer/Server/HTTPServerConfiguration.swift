/// How the HTTP server listens and what it accepts.
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Host to bind (IP literal or name). Default `127.0.0.1`.
    public var host: String
    /// Port to bind; `0` lets the kernel choose. Default `9095`.
    public var port: UInt16
    /// Largest request body accepted; larger ones get 413. Default 1 MiB.
    public var maxBodyBytes: Int
    /// Most connections open at once; further ones are closed as soon as they are accepted. Default 1024.
    public var connectionLimit: Int
    /// Most connections open at once from one address; further ones are closed at once. Default 64.
    public var perAddressConnectionLimit: Int
    /// Seconds an idle connection stays open. Default 30.
    public var connectionTimeoutSeconds: Int
    /// Longest a client may take to send a complete request (head and body), counted from the connection's
    /// opening (on a keep-alive connection, from the end of the idle timeout after the previous answer); a slower
    /// client is disconnected. `nil` for no limit. Default 30 s.
    public var requestTimeout: Duration?
    /// Memory per connection for the request head (request line and header fields); a head that does not fit
    /// gets 431. Default 32 KiB.
    public var maxHeaderBytes: Int
    /// Polling threads of libmicrohttpd; handlers run on Swift's concurrency pool. Default 1.
    public var pollingThreads: Int
    /// TLS on the listener; `nil` serves plain HTTP. Default `nil`.
    public var tls: HTTPServerTLS?

    /// Creates a configuration; every parameter has the documented default.
    public init(
        host: String = "127.0.0.1", port: UInt16 = 9095, maxBodyBytes: Int = 1 << 20, connectionLimit: Int = 1024,
        perAddressConnectionLimit: Int = 64, connectionTimeoutSeconds: Int = 30,
        requestTimeout: Duration? = .seconds(30), maxHeaderBytes: Int = 32 << 10, pollingThreads: Int = 1,
        tls: HTTPServerTLS? = nil
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.connectionLimit = connectionLimit
        self.perAddressConnectionLimit = perAddressConnectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.requestTimeout = requestTimeout
        self.maxHeaderBytes = maxHeaderBytes
        self.pollingThreads = pollingThreads
        self.tls = tls
    }
}
