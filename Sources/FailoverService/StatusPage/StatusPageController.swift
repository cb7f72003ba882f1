import FailoverCore
import FailoverHTTPServer
import FailoverStore
import Foundation

/// `GET /`: the status page, server-rendered HTML for an operator (and a terminal browser, and a wall screen with
/// `?refresh=N`): every runbook and which side is active, pauses and suppressions, open incidents, the latest
/// executions with their step timeline (DNS before → after), the latest audit events, readiness, and links to the
/// JSON endpoints. It reads what the JSON API reads, with the same credential (`server.auth.read`, or admin).
///
/// No JavaScript and no external resource: the `Content-Security-Policy` allows nothing but the page's own inline
/// style. The page shows no configuration value other than runbook names, matchers, key labels, provider account
/// names and DNS targets (and the step summaries the executions API already shows).
struct StatusPageController: Sendable {
    /// What `Content-Security-Policy` allows: nothing but inline style.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'"
    /// The accepted `?refresh=` values, in seconds.
    static let refreshRange = 5...3600

    let store: StateStore
    let writer: IngestWriter
    let policy: RunbookPolicy
    let access: AccessPolicy
    /// `HOST:PORT` the service listens on, asked at each request (the port is known once it listens).
    let listenAddress: @Sendable () -> String
    /// When the service was built, in milliseconds since the epoch.
    let startedAt: Int64
    private let template: StatusPageTemplate

    /// Compiles the page's template; `startedAt` defaults to now.
    init(
        store: StateStore, writer: IngestWriter, policy: RunbookPolicy, access: AccessPolicy,
        listenAddress: @escaping @Sendable () -> String, startedAt: Int64 = Self.now()
    ) {
        self.store = store
        self.writer = writer
        self.policy = policy
        self.access = access
        self.listenAddress = listenAddress
        self.startedAt = startedAt
        template = StatusPageTemplate()
    }

    func register(in router: inout HTTPRouter) {
        router.on(.get, "/") { request in try await page(request) }
    }

    func page(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        _ = try access.authorizeRead(request)
        let parameters = try QueryParameters(request, allowed: ["refresh"])
        var refresh: Int?
        if try parameters.string("refresh") != nil {
            refresh = try parameters.integer("refresh", in: Self.refreshRange, default: Self.refreshRange.lowerBound)
        }
        let now = Self.now()
        let snapshot: StatusPageSnapshot
        do {
            snapshot = try await StatusPageSnapshot.read(
                store: store, writer: writer, policy: policy, startedAt: startedAt, now: now)
        } catch {
            throw .serviceUnavailable(error.message, reason: "storage_unavailable")
        }
        let view = StatusPageView(
            snapshot,
            service: StatusPageView.ServiceFacts(
                version: FailoverdBuild.version, listen: listenAddress(), startedAt: startedAt),
            now: now, refresh: refresh)
        return HTTPResponse(
            status: 200,
            headers: [
                "Content-Type": "text/html; charset=utf-8",
                "Content-Security-Policy": Self.contentSecurityPolicy,
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
                "Cache-Control": "no-store",
            ],
            body: Array(template.render(view).utf8))
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
