import FailoverCore

/// The `server:` section.
public struct ServerSettings: Sendable, Hashable {
    /// Where to listen. Default `127.0.0.1:9095`.
    public var listenAddress: ListenAddress
    /// Largest accepted request body. Default 1 MiB.
    public var maxRequestBodyBytes: Int
    /// Most simultaneous connections. Default 1024.
    public var maxConnections: Int
    /// Idle time after which a connection is closed. Default 30 s.
    public var connectionTimeout: Duration
    /// Inbound authentication.
    public var auth: AuthSettings

    /// Creates settings with the documented defaults.
    public init(
        listenAddress: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9095), maxRequestBodyBytes: Int = 1 << 20,
        maxConnections: Int = 1024, connectionTimeout: Duration = .seconds(30), auth: AuthSettings = .init()
    ) {
        self.listenAddress = listenAddress
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.maxConnections = maxConnections
        self.connectionTimeout = connectionTimeout
        self.auth = auth
    }
}

/// `server.auth`: credentials per kind of caller.
public struct AuthSettings: Sendable, Hashable {
    /// Credentials Alertmanager must present on `POST /webhook`. Default: none (open, with a warning at start).
    public var webhook: CredentialSettings
    /// Credentials operators and dashboards present on the read-only API (`/api/v1/…`). The webhook credential
    /// does not grant reads, nor this one webhooks. Default: none (open, with a warning at start).
    public var read: CredentialSettings
    /// Credentials operators present to act on runbooks (execute, fail back, pause, resume, cancel); it also
    /// grants reads. Neither the webhook nor the read credential grants actions. Default: none (open, with a
    /// warning at start, like the others).
    public var admin: CredentialSettings
    /// Whether `GET /metrics` needs the read (or admin) credential, for a Prometheus that scrapes with
    /// `authorization`. Default false: metrics hold no secret and no alert label beyond runbook names.
    public var protectMetrics: Bool

    /// Creates auth settings; no credentials by default.
    public init(
        webhook: CredentialSettings = .init(), read: CredentialSettings = .init(), admin: CredentialSettings = .init(),
        protectMetrics: Bool = false
    ) {
        self.protectMetrics = protectMetrics
        self.webhook = webhook
        self.read = read
        self.admin = admin
    }
}

/// A bearer token and/or basic-auth credentials that a caller may present; either one admits the caller.
public struct CredentialSettings: Sendable, Hashable {
    /// Where the expected bearer token is read from.
    public var bearerToken: SecretReference?
    /// Expected basic-auth credentials.
    public var basicAuth: BasicAuthSettings?

    /// Creates credential settings; none by default.
    public init(bearerToken: SecretReference? = nil, basicAuth: BasicAuthSettings? = nil) {
        self.bearerToken = bearerToken
        self.basicAuth = basicAuth
    }

    /// Whether any credential is configured (otherwise the endpoint is open).
    public var isConfigured: Bool { bearerToken != nil || basicAuth != nil }
}

/// Basic-auth credentials: the user name inline, the password from a secret source.
public struct BasicAuthSettings: Sendable, Hashable {
    /// The expected user name.
    public var username: String
    /// Where the expected password is read from.
    public var password: SecretReference

    /// Creates basic-auth settings.
    public init(username: String, password: SecretReference) {
        self.username = username
        self.password = password
    }
}
