import FailoverHTTPServer
import Prometheus
import Synchronization

/// `failoverd_http_requests_total{handler,method,code}`, a latency histogram per handler, and the refusals before
/// any handler: `failoverd_http_auth_failures_total{door,reason}` and `failoverd_http_limit_refusals_total{limit}`.
///
/// Every label value comes from a fixed set, never from what a client sent: methods other than the standard
/// ones are `other`, paths are route patterns (`unmatched` for unknown paths), codes are those the server sends.
final class HTTPMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let durations = Mutex<[String: DurationHistogram]>([:])
    private let counters = Mutex<[CounterKey: Counter]>([:])
    private let authFailures: [String: Counter]
    private let limitRefusals: [HTTPServerRefusal: Counter]

    /// The method labels; any other method is counted as `other`.
    static let methodLabels: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    /// The `reason` labels of `failoverd_http_auth_failures_total`.
    static let authFailureReasons = [
        "missing", "unsupported_scheme", "invalid", "wrong_door", "network_not_allowed", "rate_limited",
    ]

    private struct CounterKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        var failures: [String: Counter] = [:]
        for door in AccessDoor.allCases {
            for reason in Self.authFailureReasons {
                failures[door.rawValue + "/" + reason] = registry.makeCounter(
                    descriptor: .named(
                        "failoverd_http_auth_failures_total",
                        help: "Requests refused by credential, allow-list or failure rate limit, by door and reason."),
                    labels: [("door", door.rawValue), ("reason", reason)])
            }
        }
        authFailures = failures
        limitRefusals = registry.counterFamily(
            "failoverd_http_limit_refusals_total",
            help: "Requests and connections the server refused by itself, by limit.", label: "limit",
            values: HTTPServerRefusal.allCases, text: \.rawValue)
    }

    func record(_ summary: RequestSummary) {
        let method = Self.methodLabels.contains(summary.method.rawValue) ? summary.method.rawValue : "other"
        counter(for: CounterKey(route: summary.route, method: method, status: summary.status)).increment()
        histogram(for: summary.route).record(summary.duration)
    }

    /// Counts a refusal at a door; `reason` is one of ``authFailureReasons``.
    func countAuthFailure(door: AccessDoor, reason: String) {
        authFailures[door.rawValue + "/" + reason]?.increment()
    }

    /// Counts a refusal by the server's limits.
    func countRefusal(_ refusal: HTTPServerRefusal) {
        limitRefusals[refusal]?.increment()
    }

    private func counter(for key: CounterKey) -> Counter {
        counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: .named(
                    "failoverd_http_requests_total", help: "HTTP requests answered, by route, method and status code."),
                labels: [("handler", key.route), ("method", key.method), ("code", String(key.status))])
            counters[key] = counter
            return counter
        }
    }

    /// Bucket bounds of `failoverd_http_request_duration_seconds`.
    static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5),
    ]

    private func histogram(for route: String) -> DurationHistogram {
        durations.withLock { histograms in
            if let histogram = histograms[route] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: .named(
                    "failoverd_http_request_duration_seconds",
                    help: "Time from a complete request to its answer, by route."), labels: [("handler", route)],
                buckets: Self.durationBuckets)
            histograms[route] = histogram
            return histogram
        }
    }
}
