/// Handles one request; throw ``HTTPError`` to answer with an error status and JSON body.
public typealias HTTPHandler = @Sendable (HTTPRequest) async throws -> HTTPResponse

/// Handles one request on the server's polling thread and answers through the responder, at once or later from
/// any thread. For hot paths whose work is short and whose wait is on something else (a group commit): it saves
/// the hops through Swift's task pool that an ``HTTPHandler`` costs. It must not block.
public typealias HTTPPollingThreadHandler = @Sendable (HTTPRequest, HTTPResponder) -> Void

/// How a route's handler runs.
public enum HTTPRouteHandler: Sendable {
    /// As a task on Swift's concurrency pool.
    case task(HTTPHandler)
    /// On the polling thread, answering through an ``HTTPResponder``.
    case pollingThread(HTTPPollingThreadHandler)
}

/// Maps method and path to handlers. Paths are literal segments or `{name}` parameters.
///
/// Unknown paths resolve to 404, known paths with another method to 405 listing the allowed methods.
public struct HTTPRouter: Sendable {
    struct Route: Sendable {
        var method: HTTPMethod
        var pattern: String
        var segments: [Segment]
        var handler: HTTPRouteHandler
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    /// What a lookup found.
    public enum Resolution: Sendable {
        /// A handler, the route's pattern (for metrics labels) and the values of the path's parameters.
        case handler(HTTPRouteHandler, pattern: String, parameters: [String: String])
        /// The path exists for these other methods.
        case methodNotAllowed([HTTPMethod])
        /// No route has this path.
        case notFound
    }

    private var routes: [Route] = []

    /// Creates an empty router.
    public init() {}

    /// Adds a route; `HEAD` is answered by `GET` routes automatically.
    public mutating func on(_ method: HTTPMethod, _ path: String, handler: @escaping HTTPHandler) {
        routes.append(Route(method: method, pattern: path, segments: Self.parse(path), handler: .task(handler)))
    }

    /// Adds a route whose handler runs on the polling thread (see ``HTTPPollingThreadHandler``).
    public mutating func onPollingThread(
        _ method: HTTPMethod, _ path: String, handler: @escaping HTTPPollingThreadHandler
    ) {
        routes.append(
            Route(method: method, pattern: path, segments: Self.parse(path), handler: .pollingThread(handler)))
    }

    /// Finds the handler for a request line.
    public func resolve(_ method: HTTPMethod, _ path: String) -> Resolution {
        let parts = Self.split(path)
        var allowed: [HTTPMethod] = []
        for route in routes {
            guard let parameters = Self.match(route.segments, parts) else { continue }
            if route.method == method || (method == .head && route.method == .get) {
                return .handler(route.handler, pattern: route.pattern, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if allowed.contains(.get), !allowed.contains(.head) { allowed.append(.head) }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed)
    }

    private static func parse(_ path: String) -> [Segment] {
        split(path).map { part in
            if part.hasPrefix("{"), part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(part)
        }
    }

    private static func split(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private static func match(_ segments: [Segment], _ parts: [String]) -> [String: String]? {
        guard segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let literal): if literal != part { return nil }
            case .parameter(let name): parameters[name] = part
            }
        }
        return parameters
    }
}
