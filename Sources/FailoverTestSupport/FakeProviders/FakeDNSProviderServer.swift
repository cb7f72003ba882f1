import FailoverHTTPServer
import Foundation
import Logging
import Synchronization

/// An in-process fake of the Linode API v4 or DigitalOcean API v2 DNS endpoints, for tests.
///
/// It listens on `127.0.0.1` on a port the kernel picks, holds zones and records in memory and answers with the
/// status codes, envelopes, field order, `null`s, pagination, error bodies and rate-limit headers of the real
/// recordings (`Tests/Fixtures/cassettes`). It checks the bearer token (401 with the provider's body), can
/// take away write scope (403), validates what the real API validates that matters to failoverd (Linode TTL
/// rounding, DigitalOcean's trailing dot on host names), and injects faults on demand (see
/// ``FakeProviderFault``). Every request is logged so tests can count calls per method and path.
///
/// ```swift
/// let fake = FakeDNSProviderServer(flavor: .linode, logger: logger)
/// try fake.start()
/// defer { Task { await fake.stop() } }
/// fake.addZone("example.com")
/// fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 300)
/// ```
public final class FakeDNSProviderServer: Sendable {
    /// Which API the fake speaks.
    public enum Flavor: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Linode API v4: base URL `http://127.0.0.1:<port>/v4`.
        case linode
        /// DigitalOcean API v2: base URL `http://127.0.0.1:<port>` (paths start with `/v2`).
        case digitalOcean

        /// The flavour's name.
        public var description: String { rawValue }
    }

    /// Which API this fake speaks.
    public let flavor: Flavor
    /// The token the fake accepts.
    public let token: String
    let state: FakeProviderState
    private let server: HTTPServer

    /// Creates a fake; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - token: the only bearer token accepted. Default `fake-token`.
    public init(flavor: Flavor, token: String = "fake-token", logger: Logger) {
        self.flavor = flavor
        self.token = token
        let state = FakeProviderState(
            token: token, firstZoneID: flavor == .linode ? 1_065_421 : 1, firstRecordID: 9_295_232,
            rateLimit: flavor == .linode ? 400 : 5000)
        self.state = state
        var router = HTTPRouter()
        switch flavor {
        case .linode: Self.addLinodeRoutes(to: &router, state: state)
        case .digitalOcean: Self.addDigitalOceanRoutes(to: &router, state: state)
        }
        server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, connectionTimeoutSeconds: 10),
            router: router, logger: logger)
    }

    /// Starts listening on `127.0.0.1` on a free port.
    public func start() throws {
        try server.start()
    }

    /// Stops: silent (``FakeProviderFault/noAnswer``) requests are released, then the server shuts down.
    public func stop() async {
        state.contents.withLock { $0.stopping = true }
        await server.shutdown(gracePeriod: .seconds(2))
    }

    /// The port listened on (0 before ``start()``).
    public var port: UInt16 { server.port }

    /// The base URL to configure a provider account with.
    public var baseURL: String {
        switch flavor {
        case .linode: "http://127.0.0.1:\(port)/v4"
        case .digitalOcean: "http://127.0.0.1:\(port)"
        }
    }

    /// Adds a zone (idempotent) and returns its id. DigitalOcean zones get their SOA and three NS records.
    ///
    /// - Parameter defaultTTL: the zone's TTL (Linode `ttl_sec`, default 0; DigitalOcean `ttl`, default 1800).
    @discardableResult
    public func addZone(_ name: String, defaultTTL: Int? = nil) -> Int {
        let known = state.hasZone(name)
        let id = state.addZone(name, ttl: defaultTTL ?? (flavor == .linode ? 0 : 1800))
        if flavor == .digitalOcean, !known {
            _ = state.addRecord(zone: name, name: "@", type: "SOA", target: "1800", ttl: 1800, priority: nil)
            for server in 1...3 {
                _ = state.addRecord(
                    zone: name, name: "@", type: "NS", target: "ns\(server).digitalocean.com", ttl: 1800,
                    priority: nil)
            }
        }
        return id
    }

    /// Adds a record to a zone as stored (no validation, no rounding) and returns its id.
    ///
    /// `name` may be relative, `@`/`""` for the apex, or fully qualified. Traps when the zone does not exist.
    @discardableResult
    public func addRecord(
        zone: String, name: String, type: String, target: String, ttl: Int = 0, priority: Int? = nil
    ) -> Int {
        guard let id = state.addRecord(zone: zone, name: name, type: type, target: target, ttl: ttl, priority: priority)
        else { preconditionFailure("the fake has no zone \(zone); add it first") }
        return id
    }

    /// The records of a zone, optionally only those of a name and/or type, in id order.
    public func records(zone: String, name: String? = nil, type: String? = nil) -> [FakeDNSRecord] {
        state.records(zone: zone, name: name, type: type)
    }

    /// Makes the next `times` matching requests misbehave.
    ///
    /// - Parameters:
    ///   - method: only requests of this method; `nil` for any.
    ///   - pathContaining: only requests whose path contains this text; `nil` for any.
    public func inject(
        _ fault: FakeProviderFault, times: Int = 1, method: HTTPMethod? = nil, pathContaining: String? = nil
    ) {
        state.contents.withLock {
            $0.faults.append(
                FakeFaultRule(
                    fault: fault, remaining: times, method: method?.rawValue, pathContains: pathContaining))
        }
    }

    /// Removes every pending fault.
    public func clearFaults() { state.contents.withLock { $0.faults.removeAll() } }

    /// Caps the page size whatever the client asks, to force pagination; `nil` restores the API's limits.
    public func setMaxPageSize(_ size: Int?) { state.contents.withLock { $0.maxPageSize = size } }

    /// Sets what the valid token may do.
    public func setTokenScope(_ scope: FakeTokenScope) { state.contents.withLock { $0.scope = scope } }

    /// Every request received, in order.
    public var requests: [FakeRequestRecord] { state.contents.withLock { $0.requests } }

    /// Requests received, optionally only of a method and/or exact path.
    public func requestCount(_ method: HTTPMethod? = nil, path: String? = nil) -> Int {
        requests.filter { request in
            (method.map { request.method == $0 } ?? true) && (path.map { request.path == $0 } ?? true)
        }.count
    }

    /// Requests that change state (POST, PUT, PATCH, DELETE).
    public var writeRequestCount: Int { requests.filter(\.isWrite).count }

    /// Counts per `"METHOD path"`.
    public var requestCountsByRoute: [String: Int] {
        var counts: [String: Int] = [:]
        for request in requests { counts["\(request.method) \(request.path)", default: 0] += 1 }
        return counts
    }

    /// Forgets the request log (faults and contents stay).
    public func resetRequestLog() { state.contents.withLock { $0.requests.removeAll() } }
}

extension FakeDNSProviderServer {
    /// Replaces the token the fake accepts, as a provider account whose token was revoked: requests with the old
    /// token answer 401 from now on.
    public func replaceToken(with token: String) { state.contents.withLock { $0.token = token } }
}
