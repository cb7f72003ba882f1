/// Outbound HTTP for `http_check` and `http` steps (the service's libcurl client with its retries).
public protocol StepHTTPClient: Sendable {
    /// Sends one request, retrying transient failures up to `attempts` tries; returns the final answer.
    func send(_ request: StepHTTPRequest) async throws(StepHTTPError) -> StepHTTPResponse
}

/// A request of a step.
public struct StepHTTPRequest: Sendable, Hashable {
    /// The method.
    public var method: String
    /// The URL.
    public var url: String
    /// Headers.
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]?
    /// Timeout of one try.
    public var timeout: Duration
    /// Most tries (transport errors and 5xx).
    public var attempts: Int
    /// Whether the request may be repeated safely (an `Idempotency-Key` makes a POST safe for servers that honour it).
    public var idempotent: Bool

    /// Creates a request.
    public init(
        method: String, url: String, headers: [String: String] = [:], body: [UInt8]? = nil, timeout: Duration,
        attempts: Int, idempotent: Bool
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.attempts = attempts
        self.idempotent = idempotent
    }
}

/// An answer.
public struct StepHTTPResponse: Sendable, Hashable {
    /// The status.
    public var status: Int
    /// The start of the body, as text.
    public var bodyPrefix: String
    /// Tries it took.
    public var attempts: Int

    /// Creates a response.
    public init(status: Int, bodyPrefix: String, attempts: Int) {
        self.status = status
        self.bodyPrefix = bodyPrefix
        self.attempts = attempts
    }
}

/// No answer came.
public struct StepHTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// Tries made.
    public var attempts: Int

    /// Creates an error.
    public init(message: String, attempts: Int) {
        self.message = message
        self.attempts = attempts
    }

    /// The message.
    public var description: String { message }
}
