import FailoverCore
import FailoverStore
import FailoverTestSupport
import Foundation
import GRDB
import Logging
import Synchronization

/// A store in a temporary directory with a writer; `close()` stops both and removes the directory.
struct StoreFixture {
    let directory: TemporaryDirectory
    let store: StateStore
    let writer: IngestWriter
    let reports: ReportLog

    init(busyTimeout: Duration = .seconds(5), maxBatchSize: Int = 256, maxPending: Int = 4096) throws {
        directory = try TemporaryDirectory()
        let (logger, _) = InMemoryLogHandler.logger()
        store = try StateStore(path: directory.file("state/failoverd.db"), busyTimeout: busyTimeout, logger: logger)
        let reports = ReportLog()
        self.reports = reports
        writer = IngestWriter(
            store: store, maxBatchSize: maxBatchSize, maxPending: maxPending, logger: logger,
            onBatch: { reports.append($0) })
    }

    func close() {
        writer.shutdown()
        store.close()
        directory.remove()
    }

    /// A second, independent connection to the same file (as another process would have).
    func externalConnection() throws -> DatabaseQueue {
        try ExternalConnection.open(store.path)
    }

    func count(_ table: String) throws -> Int {
        try externalConnection().read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

/// Collects the writer's batch reports.
final class ReportLog: Sendable {
    private let reports = Mutex<[IngestWriter.BatchReport]>([])
    func append(_ report: IngestWriter.BatchReport) { reports.withLock { $0.append(report) } }
    var all: [IngestWriter.BatchReport] { reports.withLock { $0 } }
}

/// Builds webhooks for store tests.
enum Deliveries {
    static let startsAt = Timestamp(rfc3339: "2026-11-21T16:37:18.416Z")!

    static func alert(
        _ status: AlertStatus, fingerprint: String = "7f3afce3415c4ace", startsAt: Timestamp = startsAt,
        alertname: String = "PrimaryRegionUnhealthy"
    ) -> WebhookAlert {
        WebhookAlert(
            status: status, labels: ["alertname": alertname, "region": "us-east"], annotations: ["summary": "down"],
            startsAt: startsAt, endsAt: status == .resolved ? Timestamp(rfc3339: "2026-11-21T16:47:18Z") : nil,
            generatorURL: "http://prometheus:9090/graph", fingerprint: fingerprint)
    }

    static func prepared(_ alerts: [WebhookAlert], groupKey: String = "{}:{alertname=\"A\"}") -> PreparedDelivery {
        let webhook = AlertmanagerWebhook(
            receiver: "failover", status: alerts.contains { $0.status == .firing } ? .firing : .resolved,
            alerts: alerts, groupKey: groupKey)
        let body = Data("{\"alerts\":\(alerts.count)}".utf8)
        return PreparedDelivery(
            webhook: webhook, body: body, bodySHA256: String(repeating: "ab", count: 32),
            receivedAtMilliseconds: 1_795_279_038_000, remoteAddress: "127.0.0.1", authenticatedAs: nil)
    }

    static func prepared(_ alert: WebhookAlert) -> PreparedDelivery { prepared([alert]) }
}
