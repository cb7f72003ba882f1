import FailoverHTTPServer
import FailoverStore

/// `GET /-/healthy` (and its alias `/healthz`): the process answers. `GET /-/ready`: the database takes writes.
struct HealthController: Sendable {
    let writer: IngestWriter

    func register(in router: inout HTTPRouter) {
        let healthy: HTTPHandler = { _ in .text("failoverd is healthy.\n") }
        router.on(.get, "/-/healthy", handler: healthy)
        router.on(.get, "/healthz", handler: healthy)
        router.on(.get, "/-/ready") { _ in try await ready() }
    }

    func ready() async throws(HTTPError) -> HTTPResponse {
        switch await writer.probe() {
        case .success: return .text("failoverd is ready.\n")
        case .failure(let error):
            throw .serviceUnavailable("not ready: \(error.message)", reason: "not_ready")
        }
    }
}
