import FailoverCore
import FailoverHTTPServer
import FailoverStore

/// Read-only views of the ingest state for operators: `GET /api/v1/episodes`, `GET /api/v1/deliveries`.
struct StateViewController: Sendable {
    let store: StateStore
    let access: AccessPolicy

    func register(in router: inout HTTPRouter) {
        router.on(.get, "/api/v1/episodes") { request in try await episodes(request) }
        router.on(.get, "/api/v1/deliveries") { request in try await deliveries(request) }
    }

    func episodes(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        _ = try access.authorizeRead(request)
        let parameters = try QueryParameters(request, allowed: ["state", "alertname", "fingerprint", "limit"])
        let query = EpisodeQuery(
            state: try parameters.oneOf("state", EpisodeState.allCases.map(\.rawValue)).flatMap(EpisodeState.init),
            alertname: try parameters.string("alertname"), fingerprint: try parameters.string("fingerprint"),
            limit: try parameters.integer("limit", in: 1...1000, default: 100))
        do {
            let records = try await store.episodes(query)
            return try .json(EpisodeList(episodes: records))
        } catch let error as StoreError {
            throw .serviceUnavailable(error.message, reason: "storage_unavailable")
        } catch {
            throw .internalServerError("cannot encode episodes")
        }
    }

    func deliveries(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        _ = try access.authorizeRead(request)
        let parameters = try QueryParameters(request, allowed: ["limit"])
        let limit = try parameters.integer("limit", in: 1...1000, default: 100)
        do {
            let records = try await store.deliveries(limit: limit)
            return try .json(DeliveryList(deliveries: records))
        } catch let error as StoreError {
            throw .serviceUnavailable(error.message, reason: "storage_unavailable")
        } catch {
            throw .internalServerError("cannot encode deliveries")
        }
    }
}

private struct EpisodeList: Encodable {
    var episodes: [EpisodeRecord]
}

private struct DeliveryList: Encodable {
    var deliveries: [DeliveryRecord]
}
