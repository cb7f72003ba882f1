/// A request or connection the server turned away by itself, before any handler: reported for metrics.
public enum HTTPServerRefusal: String, Sendable, CaseIterable {
    /// The request head did not fit the per-connection memory (431).
    case headerSize = "header_size"
    /// The body exceeded the limit (413).
    case bodySize = "body_size"
    /// The client did not send a complete request in time (disconnected).
    case requestTimeout = "request_timeout"
    /// The address had as many connections open as allowed (closed at once).
    case connectionsPerAddress = "connections_per_address"
    /// The server had as many connections open as allowed (closed at once).
    case connectionsTotal = "connections_total"
    /// Mutual TLS: no client certificate, or one the client CA does not verify (403).
    case clientCertificate = "client_certificate"
}
