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
    /// Most simultaneous connections from one address; further ones are closed at once. Default 64.
    public var maxConnectionsPerAddress: Int
    /// Largest request head (request line and header fields, as libmicrohttpd's per-connection memory holds it);
    /// a larger one gets 431. Default 32 KiB.
    public var maxHeaderBytes: Int
    /// Longest time a client may take to send one complete request (head and body), counted from the connection's
    /// opening (on a keep-alive connection, from the end of the idle timeout after the previous answer); a slower
    /// one is disconnected (slowloris). Default 30 s.
    public var requestTimeout: Duration
    /// Networks of reverse proxies whose `X-Forwarded-For` is believed. Default none: the socket's peer is the
    /// caller.
    public var trustedProxies: [NetworkRange]
    /// TLS on the listener; `nil` serves plain HTTP. Default `nil`.
    public var tls: TLSSettings?
    /// Inbound authentication.
    public var auth: AuthSettings

    /// Creates settings with the documented defaults.
    public init(
        listenAddress: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9095), maxRequestBodyBytes: Int = 1 << 20,
        maxConnections: Int = 1024, connectionTimeout: Duration = .seconds(30), maxConnectionsPerAddress: Int = 64,
        maxHeaderBytes: Int = 32 << 10, requestTimeout: Duration = .seconds(30), trustedProxies: [NetworkRange] = [],
        tls: TLSSettings? = nil, auth: AuthSettings = .init()
    ) {
        self.listenAddress = listenAddress
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.maxConnections = maxConnections
        self.connectionTimeout = connectionTimeout
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.maxHeaderBytes = maxHeaderBytes
        self.requestTimeout = requestTimeout
        self.trustedProxies = trustedProxies
        self.tls = tls
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
    /// How many failed authentications one address may make before it is refused for a while.
    public var failureLimit: AuthenticationFailureLimit

    /// Creates auth settings; no credentials by default.
    public init(
        webhook: CredentialSettings = .init(), read: CredentialSettings = .init(), admin: CredentialSettings = .init(),
        protectMetrics: Bool = false, failureLimit: AuthenticationFailureLimit = .init()
    ) {
        self.protectMetrics = protectMetrics
        self.failureLimit = failureLimit
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
    /// Networks a caller of this door must come from, whatever its credential; `nil` allows every network.
    public var allowedNetworks: [NetworkRange]?

    /// Creates credential settings; none by default.
    public init(
        bearerToken: SecretReference? = nil, basicAuth: BasicAuthSettings? = nil, allowedNetworks: [NetworkRange]? = nil
    ) {
        self.bearerToken = bearerToken
        self.basicAuth = basicAuth
        self.allowedNetworks = allowedNetworks
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
