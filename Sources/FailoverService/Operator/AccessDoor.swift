import FailoverHTTPServer

/// The three kinds of caller, each with its own credential and allow-list: Alertmanager posting webhooks, readers
/// of the operator API, and admins acting on runbooks.
enum AccessDoor: String, Sendable, CaseIterable {
    case webhook, read, admin

    /// The door a route is behind, judged before the body is read; `nil` for routes anyone may call (health,
    /// readiness, `/metrics` unless protected, unknown paths).
    ///
    /// It must agree with the check each handler makes again (`AccessPolicy.authorize…`): `POST /webhook` is the
    /// webhook's, every other `POST` (runbook actions, reload) the admin's, every other route but the open ones the
    /// read door's.
    init?(route: String?, method: HTTPMethod, protectMetrics: Bool) {
        guard let route else { return nil }
        switch route {
        case "/webhook": self = .webhook
        case "/-/healthy", "/healthz", "/-/ready": return nil
        case "/metrics":
            guard protectMetrics else { return nil }
            self = .read
        default: self = method == .post ? .admin : .read
        }
    }

    /// The configuration section of its settings (`server.auth.webhook`).
    var setting: String { "server.auth." + rawValue }

    /// What the door lets a caller do, for messages.
    var purpose: String {
        switch self {
        case .webhook: "post webhooks"
        case .read: "read the API"
        case .admin: "act on runbooks"
        }
    }
}
