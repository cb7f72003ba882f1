/// How the HTTP client connects, how long it waits and how much it accepts.
public struct HTTPClientConfiguration: Sendable {
    /// Time allowed to establish a connection (TCP and TLS). Default 5 s.
    public var connectTimeout: Duration
    /// Time allowed for one attempt, connection included. Default 30 s.
    public var requestTimeout: Duration
    /// Largest response body accepted; larger answers fail with ``HTTPClientError/responseTooLarge(limit:request:)``.
    /// Default 4 MiB.
    public var maxResponseBodyBytes: Int
    /// A PEM CA bundle that replaces the system trust store. Default `nil`: the system store.
    public var caFile: String?
    /// Sent as `User-Agent`. Default `failoverd`.
    public var userAgent: String
    /// When to retry. Default: ``HTTPRetryPolicy`` with its documented defaults.
    public var retryPolicy: HTTPRetryPolicy
    /// Clocks, sleep and jitter of the retry loop. Default ``HTTPRetryTiming/system``.
    public var timing: HTTPRetryTiming
    /// Told about every attempt (metrics). Default none.
    public var observer: (any HTTPExchangeObserver)?

    /// Creates a configuration; every parameter has the documented default.
    public init(
        connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30),
        maxResponseBodyBytes: Int = 4 << 20, caFile: String? = nil, userAgent: String = "failoverd",
        retryPolicy: HTTPRetryPolicy = HTTPRetryPolicy(), timing: HTTPRetryTiming = .system,
        observer: (any HTTPExchangeObserver)? = nil
    ) {
        self.observer = observer
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxResponseBodyBytes = maxResponseBodyBytes
        self.caFile = caFile
        self.userAgent = userAgent
        self.retryPolicy = retryPolicy
        self.timing = timing
    }
}
