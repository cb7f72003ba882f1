/// One named DNS provider account from the `providers:` section of the configuration.
public struct ProviderAccountConfiguration: Sendable, Hashable {
    /// Which API the account speaks.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Linode API v4.
        case linode
        /// DigitalOcean API v2.
        case digitalocean

        /// The real API's base URL.
        public var defaultBaseURL: String {
            switch self {
            case .linode: "https://api.linode.com/v4"
            case .digitalocean: "https://api.digitalocean.com"
            }
        }
    }

    /// The account's name, as runbooks refer to it (`linode-main`).
    public var name: String
    /// Which API.
    public var kind: Kind
    /// Where the API token is read from.
    public var token: SecretReference
    /// Base URL of the API; tests point it at a fake. Default: the real API.
    public var baseURL: String
    /// A CA bundle to trust in addition to none (replaces the system store when set). Default: system store.
    public var caFile: String?
    /// Time allowed to connect. Default 5 s.
    public var connectTimeout: Duration
    /// Time allowed for one request, connection included. Default 30 s.
    public var requestTimeout: Duration
    /// Attempts per request, the first included, for retryable failures. Default 5.
    public var maxAttempts: Int
    /// Total time a request may spend across retries and waits. Default 60 s.
    public var maxRetryDuration: Duration

    /// Creates an account; every optional parameter has the documented default.
    public init(
        name: String, kind: Kind, token: SecretReference, baseURL: String? = nil, caFile: String? = nil,
        connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(30), maxAttempts: Int = 5,
        maxRetryDuration: Duration = .seconds(60)
    ) {
        self.name = name
        self.kind = kind
        self.token = token
        self.baseURL = baseURL ?? kind.defaultBaseURL
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxAttempts = maxAttempts
        self.maxRetryDuration = maxRetryDuration
    }
}
