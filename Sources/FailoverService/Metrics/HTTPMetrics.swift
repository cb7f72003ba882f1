import FailoverHTTPServer
import Prometheus
import Synchronization

/// `failoverd_http_requests_total{handler,method,code}` and a latency histogram per handler.
final class HTTPMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let durations = Mutex<[String: DurationHistogram]>([:])
    private let counters = Mutex<[CounterKey: Counter]>([:])

    private struct CounterKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func record(_ summary: RequestSummary) {
        counter(for: CounterKey(route: summary.route, method: summary.method.rawValue, status: summary.status))
            .increment()
        histogram(for: summary.route).record(summary.duration)
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

    private func histogram(for route: String) -> DurationHistogram {
        durations.withLock { histograms in
            if let histogram = histograms[route] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: .named(
                    "failoverd_http_request_duration_seconds",
                    help: "Time from a complete request to its answer, by route."), labels: [("handler", route)],
                buckets: [
                    .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                    .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(500), .seconds(1),
                    .seconds(5),
                ])
            histograms[route] = histogram
            return histogram
        }
    }
}
