import FailoverHTTPServer
import Foundation

/// An answer a fake's route handler gives by throwing (errors in the provider's own body shape).
struct FakeAnswer: Error {
    var response: HTTPResponse
}

extension FakeDNSProviderServer {
    /// Wraps a route handler with what every request of the fake goes through: logging, injected faults, the
    /// bearer-token and scope checks, and the rate-limit headers.
    static func route(
        _ flavor: Flavor, _ state: FakeProviderState,
        _ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) -> HTTPHandler {
        { request in
            let index = state.log(request)
            var response: HTTPResponse
            switch state.takeFault(method: request.method.rawValue, path: request.path) {
            case .rateLimited(let retryAfter, let resetIn):
                response = flavor.errorResponse(status: 429, message: flavor.rateLimitMessage)
                if let retryAfter { response.headers.replaceOrAdd(name: "Retry-After", value: String(retryAfter)) }
                flavor.addRateLimitHeaders(to: &response, method: request.method, remaining: 0, resetIn: resetIn)
                state.setStatus(response.status, ofRequest: index)
                return response
            case .serverError(let status):
                response = flavor.errorResponse(status: status, message: flavor.serverErrorMessage)
            case .htmlError(let status):
                response = flavor.htmlResponse(status: status)
            case .slowAnswer(let delay):
                try? await Task.sleep(for: delay)
                response = await authorizedAnswer(flavor, state, request, handler)
            case .noAnswer:
                let clock = ContinuousClock()
                let deadline = clock.now.advanced(by: .seconds(30))
                while !state.isStopping, clock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
                response = flavor.errorResponse(status: 503, message: flavor.serverErrorMessage)
            case .applyThenFail(let status):
                _ = await authorizedAnswer(flavor, state, request, handler)
                response = flavor.errorResponse(status: status, message: flavor.serverErrorMessage)
            case nil:
                response = await authorizedAnswer(flavor, state, request, handler)
            }
            let remaining = state.contents.withLock { state in
                state.rateLimitRemaining = max(0, state.rateLimitRemaining - 1)
                return state.rateLimitRemaining
            }
            flavor.addRateLimitHeaders(to: &response, method: request.method, remaining: remaining, resetIn: 60)
            state.setStatus(response.status, ofRequest: index)
            return response
        }
    }

    private static func authorizedAnswer(
        _ flavor: Flavor, _ state: FakeProviderState, _ request: HTTPRequest,
        _ handler: @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) async -> HTTPResponse {
        let (token, scope) = state.contents.withLock { ($0.token, $0.scope) }
        guard request.headers["Authorization"] == "Bearer \(token)" else {
            return flavor.errorResponse(status: 401, message: flavor.unauthorizedMessage)
        }
        let isWrite = request.method != .get && request.method != .head
        if isWrite, scope == .readOnly {
            var response = flavor.errorResponse(status: 403, message: flavor.forbiddenMessage)
            if flavor == .linode {
                response.headers.replaceOrAdd(name: "X-OAuth-Scopes", value: "domains:read_only")
            }
            return response
        }
        do {
            return try await handler(request)
        } catch let answer as FakeAnswer {
            return answer.response
        } catch {
            return flavor.errorResponse(status: 500, message: flavor.serverErrorMessage)
        }
    }
}

extension FakeDNSProviderServer.Flavor {
    var jsonContentType: String { self == .linode ? "application/json" : "application/json; charset=utf-8" }
    var unauthorizedMessage: String { self == .linode ? "Invalid Token" : "Unable to authenticate you." }
    var forbiddenMessage: String {
        self == .linode ? "Unauthorized" : "You do not have access for the attempted action."
    }
    var notFoundMessage: String {
        self == .linode ? "Not found" : "The resource you were accessing could not be found."
    }
    var rateLimitMessage: String { self == .linode ? "Too many requests" : "API Rate limit exceeded." }
    var serverErrorMessage: String {
        self == .linode ? "Please try again later" : "Server was unable to give you a response."
    }

    /// A JSON answer with the flavour's content type.
    func json(_ value: FakeJSON, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": jsonContentType], body: value.bytes)
    }

    /// An error in the provider's body shape: Linode `{"errors":[{"reason":…}]}`, DigitalOcean `{"id","message"}`.
    func errorResponse(status: Int, message: String, field: String? = nil) -> HTTPResponse {
        switch self {
        case .linode:
            var item: [(String, FakeJSON)] = [("reason", .string(message))]
            if let field { item.append(("field", .string(field))) }
            return json(.object([("errors", .array([.object(item)]))]), status: status)
        case .digitalOcean:
            let id: String =
                switch status {
                case 401: "unauthorized"
                case 403: "forbidden"
                case 404: "not_found"
                case 422: "unprocessable_entity"
                case 429: "too_many_requests"
                case 500: "internal_server_error"
                case 503: "service_unavailable"
                default: "server_error"
                }
            return json(.object([("id", .string(id)), ("message", .string(message))]), status: status)
        }
    }

    /// An HTML error page as the load balancer (Linode: nginx) or edge (DigitalOcean: Cloudflare) sends it.
    func htmlResponse(status: Int) -> HTTPResponse {
        let title = "\(status) \(status == 502 ? "Bad Gateway" : status == 504 ? "Gateway Time-out" : "Error")"
        switch self {
        case .linode:
            let page =
                "<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(title)</h1>"
                + "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
            return HTTPResponse(
                status: status, headers: ["Content-Type": "text/html", "Server": "nginx"], body: Array(page.utf8))
        case .digitalOcean:
            let page =
                "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head><title>api.digitalocean.com | \(title)</title>"
                + "</head>\n<body><h1>\(title)</h1><p>cloudflare</p></body>\n</html>\n"
            return HTTPResponse(
                status: status, headers: ["Content-Type": "text/html; charset=UTF-8", "Server": "cloudflare"],
                body: Array(page.utf8))
        }
    }

    /// The rate-limit headers of every answer (Linode sends `Retry-After` even on 200s, as recorded in 2018).
    func addRateLimitHeaders(to response: inout HTTPResponse, method: HTTPMethod, remaining: Int, resetIn: Int) {
        let reset = Int(Date().timeIntervalSince1970) + resetIn
        switch self {
        case .linode:
            response.headers.replaceOrAdd(name: "x-ratelimit-limit", value: "400")
            response.headers.replaceOrAdd(name: "x-ratelimit-remaining", value: String(remaining))
            response.headers.replaceOrAdd(name: "x-ratelimit-reset", value: String(reset))
            if response.status != 429, response.headers["Retry-After"] == nil {
                response.headers.replaceOrAdd(name: "retry-after", value: String(resetIn))
            }
            response.headers.replaceOrAdd(
                name: "x-accepted-oauth-scopes", value: method == .get ? "domains:read_only" : "domains:read_write")
            if response.headers["X-OAuth-Scopes"] == nil {
                response.headers.replaceOrAdd(name: "x-oauth-scopes", value: "domains:read_write")
            }
            response.headers.replaceOrAdd(name: "server", value: response.headers["Server"] ?? "nginx")
        case .digitalOcean:
            response.headers.replaceOrAdd(name: "ratelimit-limit", value: "5000")
            response.headers.replaceOrAdd(name: "ratelimit-remaining", value: String(remaining))
            response.headers.replaceOrAdd(name: "ratelimit-reset", value: String(reset))
            response.headers.replaceOrAdd(name: "x-request-id", value: UUID().uuidString.lowercased())
            response.headers.replaceOrAdd(name: "server", value: "cloudflare")
        }
    }
}
