import FailoverHTTPServer
import Testing

@Suite("HTTPRouter")
struct HTTPRouterTests {
    static func router() -> HTTPRouter {
        var router = HTTPRouter()
        router.on(.get, "/-/healthy") { _ in .text("ok") }
        router.on(.post, "/webhook") { _ in .text("posted") }
        router.on(.get, "/api/v1/audit/{id}") { request in .text(request.parameters["id"] ?? "") }
        router.on(.get, "/api/v1/audit/verify") { _ in .text("verify") }
        return router
    }

    @Test("literal paths match exactly, trailing slashes aside")
    func literal() {
        guard case .handler(_, let pattern, let parameters) = Self.router().resolve(.get, "/-/healthy/") else {
            Issue.record("no match")
            return
        }
        #expect(pattern == "/-/healthy")
        #expect(parameters.isEmpty)
    }

    @Test("parameters capture a segment; the first matching route wins")
    func parameters() {
        guard case .handler(_, let pattern, let parameters) = Self.router().resolve(.get, "/api/v1/audit/42") else {
            Issue.record("no match")
            return
        }
        #expect(pattern == "/api/v1/audit/{id}")
        #expect(parameters == ["id": "42"])
    }

    @Test("a known path with another method lists the allowed ones")
    func methodNotAllowed() {
        guard case .methodNotAllowed(let allowed) = Self.router().resolve(.delete, "/webhook") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == [.post])
        guard case .methodNotAllowed(let getAllowed) = Self.router().resolve(.post, "/-/healthy") else {
            Issue.record("expected 405")
            return
        }
        #expect(getAllowed == [.get, .head])
    }

    @Test("HEAD is answered by GET routes")
    func head() {
        guard case .handler = Self.router().resolve(.head, "/-/healthy") else {
            Issue.record("HEAD should match GET")
            return
        }
    }

    @Test("unknown paths are not found", arguments: ["/", "/webhooks", "/api/v1/audit", "/api/v1/audit/1/2"])
    func notFound(path: String) {
        guard case .notFound = Self.router().resolve(.get, path) else {
            Issue.record("expected 404 for \(path)")
            return
        }
    }
}
