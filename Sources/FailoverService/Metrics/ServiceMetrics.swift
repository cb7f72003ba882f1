import FailoverCore
import FailoverHTTPServer
import FailoverStore
import Foundation
import Prometheus
import Synchronization

/// Every metric failoverd exposes on `/metrics`, registered once at start.
public final class ServiceMetrics: Sendable {
    /// Bucket bounds of `failoverd_ingest_batch_size`. (Static: an array literal handed to swift-prometheus's
    /// histogram was reported by LeakSanitizer once per service.)
    static let batchSizeBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
    /// Bucket bounds of `failoverd_ingest_commit_duration_seconds`.
    static let commitDurationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    /// The registry the `/metrics` endpoint renders.
    public let registry: PrometheusCollectorRegistry

    private let webhookOutcomes: [String: Counter]
    private let alertTransitions: [EpisodeTransition: Counter]
    private let truncatedAlerts: Counter
    private let batchesCommitted: Counter
    private let batchesFailed: Counter
    private let batchSize: ValueHistogram
    private let commitDuration: DurationHistogram
    let ingestPending: Gauge
    let episodesFiring: Gauge
    let episodesResolved: Gauge
    /// Resident memory, CPU, descriptors and start time of the process.
    let process: ProcessMetrics
    /// The C allocator's live and kept bytes, and SQLite's.
    let memory: MemoryMetrics
    /// Suppressed executions already counted, by runbook and reason.
    let suppressedCounted = Mutex<[String: Int]>([:])

    /// The webhook outcomes counted in `failoverd_webhook_requests_total{outcome}`.
    public static let webhookOutcomeNames = [
        "accepted", "bad_request", "unauthorized", "payload_too_large", "unsupported_media_type", "unavailable",
        "failed",
    ]

    /// Creates and registers the metrics.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        webhookOutcomes = registry.counterFamily(
            "failoverd_webhook_requests_total", help: "Webhook requests by outcome.", label: "outcome",
            values: Self.webhookOutcomeNames, text: { $0 })
        alertTransitions = registry.counterFamily(
            "failoverd_webhook_alerts_total", help: "Alerts in committed webhooks, by what they did to their episode.",
            label: "transition", values: EpisodeTransition.allCases, text: \.rawValue)
        truncatedAlerts = registry.makeCounter(
            descriptor: .named(
                "failoverd_webhook_truncated_alerts_total",
                help: "Alerts Alertmanager left out of webhooks because of max_alerts."))
        batchesCommitted = registry.makeCounter(
            descriptor: .named("failoverd_ingest_batches_total", help: "Group-commit transactions by result."),
            labels: [("result", "committed")])
        batchesFailed = registry.makeCounter(
            descriptor: .named("failoverd_ingest_batches_total", help: "Group-commit transactions by result."),
            labels: [("result", "failed")])
        batchSize = registry.makeValueHistogram(
            descriptor: .named("failoverd_ingest_batch_size", help: "Webhooks committed per transaction."),
            buckets: Self.batchSizeBuckets)
        commitDuration = registry.makeDurationHistogram(
            descriptor: .named(
                "failoverd_ingest_commit_duration_seconds",
                help: "Time of one group-commit transaction, fsync included."),
            buckets: Self.commitDurationBuckets)
        ingestPending = registry.makeGauge(
            descriptor: .named("failoverd_ingest_pending", help: "Webhooks waiting for a commit."))
        episodesFiring = registry.makeGauge(
            descriptor: .named("failoverd_episodes", help: "Episodes by state."), labels: [("state", "firing")])
        episodesResolved = registry.makeGauge(
            descriptor: .named("failoverd_episodes", help: "Episodes by state."), labels: [("state", "resolved")])
        registry.makeGauge(
            descriptor: .named("failoverd_build_info", help: "Always 1; the version in a label."),
            labels: [("version", FailoverdBuild.version)]
        ).set(Double(1))
        registry.makeGauge(
            descriptor: .named(
                "failoverd_start_time_seconds", help: "When the process started, in seconds since the epoch.")
        ).set(Date().timeIntervalSince1970)
        process = ProcessMetrics(registry: registry)
        memory = MemoryMetrics(registry: registry)
        lastReloadSuccessful.set(1.0)
        auditHeadID.set(Double(0))
        auditSignedHeadID.set(Double(0))
        lastReloadSuccess.set(Date().timeIntervalSince1970)
    }

    /// Counts one webhook request by outcome.
    public func countWebhook(outcome: String) {
        webhookOutcomes[outcome]?.increment()
    }

    /// Counts alerts Alertmanager truncated.
    func countTruncated(_ count: Int) {
        if count > 0 { truncatedAlerts.increment(by: Int64(count)) }
    }

    /// Records one group-commit transaction.
    public func record(batch report: IngestWriter.BatchReport) {
        if report.committed {
            batchesCommitted.increment()
            batchSize.record(Double(report.deliveries))
            commitDuration.record(report.duration)
            for transition in report.transitions { alertTransitions[transition]?.increment() }
        } else {
            batchesFailed.increment()
        }
    }
}
