/// How the HTTP server listens and what it accepts.
public struct HTTPServerConfiguration: Sendable, Equatable {
    /// Host to bind (IP literal or name). Default `127.0.0.1`.
    public var host: String
    /// Port to bind; `0` lets the kernel choose. Default `9095`.
    public var port: UInt16
    /// Largest request body accepted; larger ones get 413. Default 1 MiB.
    public var maxBodyBytes: Int
    /// Most connections open at once. Default 1024.
    public var connectionLimit: Int
    /// Seconds an idle connection stays open. Default 30.
    public var connectionTimeoutSeconds: Int
    /// Polling threads of libmicrohttpd; handlers run on Swift's concurrency pool. Default 1.
    public var pollingThreads: Int

    /// Creates a configuration; every parameter has the documented default.
    public init(
        host: String = "127.0.0.1", port: UInt16 = 9095, maxBodyBytes: Int = 1 << 20, connectionLimit: Int = 1024,
        connectionTimeoutSeconds: Int = 30, pollingThreads: Int = 1
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.connectionLimit = connectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.pollingThreads = pollingThreads
    }
}
