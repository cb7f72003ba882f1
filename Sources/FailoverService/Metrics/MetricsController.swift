import FailoverHTTPServer
import FailoverStore

/// `GET /metrics` in the Prometheus text exposition format.
struct MetricsController: Sendable {
    let metrics: ServiceMetrics
    let store: StateStore
    let writer: IngestWriter

    func register(in router: inout HTTPRouter) {
        router.on(.get, "/metrics") { _ in await render() }
    }

    func render() async -> HTTPResponse {
        metrics.ingestPending.set(Double(writer.pendingCount))
        if let counts = try? await store.episodeCounts() {
            metrics.episodesFiring.set(Double(counts[.firing] ?? 0))
            metrics.episodesResolved.set(Double(counts[.resolved] ?? 0))
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        metrics.registry.emit(into: &buffer)
        return HTTPResponse(
            status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: buffer)
    }
}
