import FailoverHTTPServer
import Synchronization

/// Which credential opens which door: the webhook credential posts webhooks, the read credential reads the API,
/// the admin credential reads the API and acts on runbooks.
///
/// A credential that is valid but for the other door gets 403 (it authenticated, it is not allowed here);
/// missing or wrong credentials get 401 with the challenge of the door asked for.
///
/// The credentials can be replaced at run time (configuration reload); a request is judged by the ones in force when
/// it is checked.
final class AccessPolicy: Sendable {
    /// The three doors' credentials.
    struct Credentials: Sendable {
        var webhook: CallerAuthenticator
        var read: CallerAuthenticator
        var admin: CallerAuthenticator
        /// Whether `/metrics` needs the read credential.
        var protectMetrics = false
    }

    private let credentials: Mutex<Credentials>

    init(
        webhook: CallerAuthenticator, read: CallerAuthenticator, admin: CallerAuthenticator = .open,
        protectMetrics: Bool = false
    ) {
        credentials = Mutex(
            Credentials(webhook: webhook, read: read, admin: admin, protectMetrics: protectMetrics))
    }

    var webhook: CallerAuthenticator { credentials.withLock { $0.webhook } }
    var read: CallerAuthenticator { credentials.withLock { $0.read } }
    var admin: CallerAuthenticator { credentials.withLock { $0.admin } }
    var protectMetrics: Bool { credentials.withLock { $0.protectMetrics } }

    /// Puts new credentials in force.
    func replace(_ new: Credentials) {
        credentials.withLock { $0 = new }
    }

    /// Admits a read of the operator API; returns who was admitted, `nil` when reads are open.
    func authorizeRead(_ request: HTTPRequest) throws(HTTPError) -> String? {
        do {
            return try read.authenticate(request)
        } catch {
            if !admin.isOpen, let caller = try? admin.authenticate(request) { return "admin:" + (caller ?? "") }
            if !webhook.isOpen, (try? webhook.authenticate(request)) != nil {
                throw .forbidden(
                    "this credential may post webhooks, not read the API: use the server.auth.read credentials")
            }
            throw error
        }
    }

    /// Admits an action on runbooks; returns the actor recorded in the audit (`admin:bearer`,
    /// `admin:basic:USER`, or `anonymous` when actions are open).
    func authorizeAdmin(_ request: HTTPRequest) throws(HTTPError) -> String {
        do {
            return try admin.authenticate(request).map { "admin:" + $0 } ?? "anonymous"
        } catch {
            let others = [("read the API", read), ("post webhooks", webhook)]
            for (what, authenticator) in others where !authenticator.isOpen {
                if (try? authenticator.authenticate(request)) != nil {
                    throw .forbidden(
                        "this credential may \(what), not act on runbooks: use the server.auth.admin credentials")
                }
            }
            throw error
        }
    }

    /// Admits a webhook; returns who was admitted, `nil` when the webhook is open.
    func authorizeWebhook(_ request: HTTPRequest) throws(HTTPError) -> String? {
        do {
            return try webhook.authenticate(request)
        } catch {
            if !read.isOpen, (try? read.authenticate(request)) != nil {
                throw .forbidden(
                    "this credential may read the API, not post webhooks: use the server.auth.webhook credentials")
            }
            throw error
        }
    }
}
