import FailoverCore
import FailoverHTTPServer
import Logging
import Synchronization

/// Which credential opens which door, from which networks: the webhook credential posts webhooks, the read
/// credential reads the API, the admin credential reads the API and acts on runbooks.
///
/// A request is judged from its head, before its body is read (``admit(_:)``, the server's admission check): a
/// caller outside the door's allowed networks gets 403 whatever its credential; an address that failed to
/// authenticate too often lately gets 429 without its credential being checked; missing or wrong credentials get
/// 401 with the challenge of the door asked for; a credential that is valid but for another door gets 403. Each
/// refusal is counted (`failoverd_http_auth_failures_total{door,reason}`). Every configured credential is checked
/// on every request, whichever door it is for, so timing does not tell which door a credential opens.
///
/// The caller's address is the socket's peer; only when that peer is in `server.trusted_proxies` is it taken from
/// `X-Forwarded-For` (``ForwardedClientAddress``).
///
/// The rules can be replaced at run time (configuration reload); a request is judged by the ones in force when
/// it is checked.
final class AccessPolicy: Sendable {
    /// The three doors' credentials and networks.
    struct Credentials: Sendable {
        var webhook: CallerAuthenticator
        var read: CallerAuthenticator
        var admin: CallerAuthenticator
        /// Whether `/metrics` needs the read credential.
        var protectMetrics = false
        /// Networks per door; a door without an entry allows every network.
        var allowedNetworks: [AccessDoor: [NetworkRange]] = [:]
        /// Networks of proxies whose `X-Forwarded-For` is believed.
        var trustedProxies: [NetworkRange] = []

        func authenticator(_ door: AccessDoor) -> CallerAuthenticator {
            switch door {
            case .webhook: webhook
            case .read: read
            case .admin: admin
            }
        }
    }

    /// A door's answer: who was admitted, or the refusal and its metric label.
    struct Decision: Sendable {
        var result: Result<String?, HTTPError>
        var failureReason: String?
    }

    private let credentials: Mutex<Credentials>
    private let failures: Mutex<AuthenticationFailureTable>
    private let onFailure: (@Sendable (AccessDoor, String) -> Void)?
    private let logger: Logger?

    init(
        webhook: CallerAuthenticator, read: CallerAuthenticator, admin: CallerAuthenticator = .open,
        protectMetrics: Bool = false, failureLimit: (count: Int, window: Duration) = (10, .seconds(60)),
        logger: Logger? = nil, onFailure: (@Sendable (AccessDoor, String) -> Void)? = nil
    ) {
        self.logger = logger
        credentials = Mutex(
            Credentials(webhook: webhook, read: read, admin: admin, protectMetrics: protectMetrics))
        failures = Mutex(AuthenticationFailureTable(maximumFailures: failureLimit.count, window: failureLimit.window))
        self.onFailure = onFailure
    }

    var webhook: CallerAuthenticator { credentials.withLock { $0.webhook } }
    var read: CallerAuthenticator { credentials.withLock { $0.read } }
    var admin: CallerAuthenticator { credentials.withLock { $0.admin } }
    var protectMetrics: Bool { credentials.withLock { $0.protectMetrics } }

    /// Puts new rules in force.
    func replace(_ new: Credentials) {
        credentials.withLock { $0 = new }
    }

    /// The server's admission check: `nil` lets the request on, otherwise the answer that refuses it.
    func admit(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard let refusal = judge(head) else { return nil }
        // The message is the answer's own: it never holds anything the caller sent.
        logger?.warning(
            "request refused at the door: \(refusal.error.message)",
            metadata: [
                "door": "\(refusal.door.rawValue)", "reason": "\(refusal.error.reason)",
                "remote": "\(head.remoteAddress)",
            ])
        return refusal.error.response
    }

    private func judge(_ head: HTTPRequestHead) -> (door: AccessDoor, error: HTTPError)? {
        let rules = credentials.withLock { $0 }
        guard let door = AccessDoor(route: head.route, method: head.method, protectMetrics: rules.protectMetrics)
        else { return nil }
        let client = ForwardedClientAddress.resolve(
            peer: head.remoteAddress, forwardedFor: head.headers.values(for: "X-Forwarded-For"),
            trustedProxies: rules.trustedProxies)
        if let networks = rules.allowedNetworks[door] {
            guard let client, networks.contains(where: { $0.contains(client) }) else {
                onFailure?(door, "network_not_allowed")
                let error = HTTPError.forbidden(
                    "callers from this address may not \(door.purpose): it is not in \(door.setting).allowed_networks",
                    reason: "network_not_allowed")
                return (door, error)
            }
        }
        let caller = client?.description ?? head.remoteAddress
        let now = ContinuousClock.now
        if let wait = failures.withLock({ $0.retryAfter(caller, now: now) }) {
            onFailure?(door, "rate_limited")
            let seconds = Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0)
            let error = HTTPError.tooManyRequests(
                "too many failed authentications from this address: retry in \(seconds) s", reason: "rate_limited",
                retryAfterSeconds: seconds)
            return (door, error)
        }
        let decision = decide(door, header: head.headers["Authorization"], rules: rules)
        guard case .failure(let error) = decision.result else { return nil }
        if let reason = decision.failureReason {
            onFailure?(door, reason)
            // A credential valid for another door is no guess; only 401s count towards the limit.
            if error.status == 401 { failures.withLock { $0.recordFailure(caller, now: now) } }
        }
        return (door, error)
    }

    /// Judges a credential at a door with every configured credential checked, whatever the outcome.
    func decide(_ door: AccessDoor, header: String?, rules: Credentials) -> Decision {
        var verdicts: [AccessDoor: CallerAuthenticator.Verdict] = [:]
        for each in AccessDoor.allCases {
            let authenticator = rules.authenticator(each)
            // An open door admits anyone, so it says nothing about which credential this is.
            verdicts[each] = authenticator.isOpen ? .missing : authenticator.verdict(header)
        }
        let own = rules.authenticator(door)
        if own.isOpen {
            return Decision(result: .success(door == .admin ? "anonymous" : nil), failureReason: nil)
        }
        if case .admitted(let caller) = verdicts[door] {
            return Decision(result: .success(door == .admin ? "admin:" + (caller ?? "") : caller), failureReason: nil)
        }
        if door == .read, case .admitted(let caller) = verdicts[.admin] {
            return Decision(result: .success("admin:" + (caller ?? "")), failureReason: nil)
        }
        let others: [AccessDoor] =
            switch door {
            case .webhook: [.read]
            case .read: [.webhook]
            case .admin: [.read, .webhook]
            }
        for other in others {
            if case .admitted = verdicts[other] {
                let error = HTTPError.forbidden(
                    "this credential may \(other.purpose), not \(door.purpose): use the \(door.setting) credentials")
                return Decision(result: .failure(error), failureReason: "wrong_door")
            }
        }
        let verdict = verdicts[door] ?? .missing
        return Decision(result: .failure(own.refusal(verdict)), failureReason: verdict.failureReason)
    }

    private func authorize(_ door: AccessDoor, _ request: HTTPRequest) throws(HTTPError) -> String? {
        let rules = credentials.withLock { $0 }
        return try decide(door, header: request.headers["Authorization"], rules: rules).result.get()
    }

    /// Admits a read of the operator API; returns who was admitted, `nil` when reads are open.
    func authorizeRead(_ request: HTTPRequest) throws(HTTPError) -> String? {
        try authorize(.read, request)
    }

    /// Admits an action on runbooks; returns the actor recorded in the audit (`admin:bearer`,
    /// `admin:basic:USER`, or `anonymous` when actions are open).
    func authorizeAdmin(_ request: HTTPRequest) throws(HTTPError) -> String {
        try authorize(.admin, request) ?? "anonymous"
    }

    /// Admits a webhook; returns who was admitted, `nil` when the webhook is open.
    func authorizeWebhook(_ request: HTTPRequest) throws(HTTPError) -> String? {
        try authorize(.webhook, request)
    }
}
