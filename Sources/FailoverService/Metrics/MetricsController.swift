import FailoverHTTPServer
import FailoverStore
import Foundation

/// `GET /metrics` in the Prometheus text exposition format; with `server.auth.protect_metrics`, only for the read
/// (or admin) credential.
struct MetricsController: Sendable {
    let metrics: ServiceMetrics
    let store: StateStore
    let writer: IngestWriter
    let policy: RunbookPolicy
    let access: AccessPolicy

    func register(in router: inout HTTPRouter) {
        router.on(.get, "/metrics") { request in
            if access.protectMetrics { _ = try access.authorizeRead(request) }
            return await render()
        }
    }

    func render() async -> HTTPResponse {
        metrics.ingestPending.set(Double(writer.pendingCount))
        if let counts = try? await store.episodeCounts() {
            metrics.episodesFiring.set(Double(counts[.firing] ?? 0))
            metrics.episodesResolved.set(Double(counts[.resolved] ?? 0))
        }
        metrics.process.update()
        metrics.memory.update()
        if let head = try? await store.auditHead() { metrics.auditHeadID.set(Double(head.id)) }
        if let signed = try? await store.lastSignedAuditHead() { metrics.auditSignedHeadID.set(Double(signed.headID)) }
        let configured = policy.settings.catalog.runbooks.map(\.name)
        if let gauges = try? await store.runbookGauges(
            configured: configured, now: Int64(Date().timeIntervalSince1970 * 1000))
        {
            metrics.record(gauges)
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        metrics.registry.emit(into: &buffer)
        return HTTPResponse(
            status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: buffer)
    }
}
