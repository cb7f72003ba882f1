import FailoverHTTPServer
import Foundation
import Logging

/// A tiny fake of the Linode API v4 DNS endpoints on `127.0.0.1` that answers at once and stamps every request.
///
/// It holds one zone (`example.com`) with one record (`app A`) and speaks just what failoverd's Linode provider
/// sends for a `dns` step: `GET /v4/domains` (zone lookup), `GET /v4/domains/{id}/records` (read, and read back
/// after the change), `PUT /v4/domains/{id}/records/{record}` (update) and `POST /v4/domains/{id}/records`
/// (create). Handlers run on the server's polling thread, so a request is stamped as soon as libmicrohttpd hands
/// it over, without a hop through Swift's task pool. ``resetRecord()`` puts the record back to its first target,
/// so that the next incident's failover has something to change.
///
/// `FakeDNSProviderServer` (FailoverTestSupport) has no hook that reports when a request arrives and its records
/// cannot be reset from outside, which is why the benchmark has its own recorder.
final class LinodeRecorder: Sendable {
    /// The zone served.
    static let zoneName = "example.com"
    /// The zone's id in URLs.
    static let zoneID = 1_065_421
    /// The record's name, relative to the zone.
    static let recordName = "app"
    /// The record's id.
    static let recordID = 9_295_232
    /// The record's target before every failover.
    static let initialTarget = "192.0.2.1"
    /// The record's TTL before every failover.
    static let initialTTL = 30

    /// The one bearer token accepted.
    let token: String
    /// The record and the writes seen.
    let zone = RecordedZone(target: LinodeRecorder.initialTarget, ttl: LinodeRecorder.initialTTL)
    private let server: HTTPServer

    /// Creates a recorder; nothing listens until ``start()``.
    init(token: String, logger: Logger) {
        self.token = token
        var router = HTTPRouter()
        Self.addRoutes(to: &router, zone: zone, token: token)
        server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, connectionTimeoutSeconds: 60),
            router: router, logger: logger)
    }

    /// Starts listening on a port the kernel picks.
    func start() throws {
        try server.start()
    }

    /// The base URL to configure the provider account with.
    var baseURL: String { "http://127.0.0.1:\(server.port)/v4" }

    /// Puts the record back to its first target and TTL.
    func resetRecord() {
        zone.reset(target: Self.initialTarget, ttl: Self.initialTTL)
    }

    // MARK: Routes

    private static func addRoutes(to router: inout HTTPRouter, zone: RecordedZone, token: String) {
        let authorization = "Bearer \(token)"
        router.onPollingThread(.get, "/v4/domains") { request, responder in
            zone.record(stamp(request))
            guard request.headers["Authorization"] == authorization else { return responder.respond(unauthorized) }
            let domain =
                #"{"id":\#(zoneID),"type":"master","domain":"\#(zoneName)","status":"active","ttl_sec":0}"#
            responder.respond(page(of: domain))
        }
        router.onPollingThread(.get, "/v4/domains/{zone}/records") { request, responder in
            zone.record(stamp(request))
            guard request.headers["Authorization"] == authorization else { return responder.respond(unauthorized) }
            guard request.parameters["zone"] == String(zoneID) else { return responder.respond(notFound) }
            let (target, ttl) = zone.current
            responder.respond(page(of: recordJSON(target: target, ttl: ttl)))
        }
        router.onPollingThread(.put, "/v4/domains/{zone}/records/{record}") { request, responder in
            let arrival = stamp(request)
            guard request.headers["Authorization"] == authorization,
                request.parameters["zone"] == String(zoneID), request.parameters["record"] == String(recordID)
            else {
                zone.record(arrival)
                return responder.respond(request.headers["Authorization"] == authorization ? notFound : unauthorized)
            }
            let fields = bodyFields(request)
            zone.record(arrival, target: fields.target, ttl: fields.ttl)
            let (target, ttl) = zone.current
            responder.respond(json(recordJSON(target: target, ttl: ttl)))
        }
        router.onPollingThread(.post, "/v4/domains/{zone}/records") { request, responder in
            let arrival = stamp(request)
            guard request.headers["Authorization"] == authorization else {
                zone.record(arrival)
                return responder.respond(unauthorized)
            }
            let fields = bodyFields(request)
            zone.record(arrival, target: fields.target, ttl: fields.ttl)
            let (target, ttl) = zone.current
            responder.respond(json(recordJSON(target: target, ttl: ttl)))
        }
    }

    private static func stamp(_ request: HTTPRequest) -> RecordedRequest {
        RecordedRequest(
            method: request.method.rawValue, path: request.path, arrivedAt: ContinuousClock.now,
            arrivedAtWallMilliseconds: Date().timeIntervalSince1970 * 1000)
    }

    private static func recordJSON(target: String, ttl: Int) -> String {
        #"{"id":\#(recordID),"type":"A","name":"\#(recordName)","target":"\#(target)","priority":0,"#
            + #""weight":0,"port":0,"service":null,"protocol":null,"ttl_sec":\#(ttl),"tag":null}"#
    }

    private static func page(of item: String) -> HTTPResponse {
        json(#"{"data":[\#(item)],"page":1,"pages":1,"results":1}"#)
    }

    private static func json(_ text: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(text.utf8))
    }

    private static var unauthorized: HTTPResponse { json(#"{"errors":[{"reason":"Invalid Token"}]}"#, status: 401) }

    private static var notFound: HTTPResponse { json(#"{"errors":[{"reason":"Not found"}]}"#, status: 404) }

    /// `target` and `ttl_sec` of a create or update body.
    private static func bodyFields(_ request: HTTPRequest) -> (target: String?, ttl: Int?) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
            return (nil, nil)
        }
        return (object["target"] as? String, object["ttl_sec"] as? Int)
    }
}
