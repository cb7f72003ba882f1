import FailoverHTTPClient
import Prometheus

/// DNS provider API calls on `/metrics`, by account (a configured name), operation and status: bounded labels.
struct DNSRequestMetrics: HTTPExchangeObserver {
    let provider: String
    let metrics: ServiceMetrics

    func attemptEnded(method: HTTPClientRequest.Method, status: Int?, duration: Duration, retrying: Bool) {
        let operation = Self.operation(method)
        let registry = metrics.registry
        registry.makeCounter(
            descriptor: .named(
                "failoverd_dns_requests_total",
                help: "DNS provider API requests (each attempt) by account, operation and status code; "
                    + "code \"error\" when no answer came (timeout, refused, reset)."),
            labels: [("provider", provider), ("operation", operation), ("code", status.map(String.init) ?? "error")]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .named(
                "failoverd_dns_request_duration_seconds", help: "Time one DNS provider API attempt took."),
            labels: [("provider", provider), ("operation", operation)],
            buckets: Self.buckets
        ).record(duration)
        if retrying {
            registry.makeCounter(
                descriptor: .named(
                    "failoverd_dns_request_retries_total",
                    help: "DNS provider API attempts that failed transiently and were retried, by account."),
                labels: [("provider", provider)]
            ).increment()
        }
    }

    /// What a method does to the provider's records.
    static func operation(_ method: HTTPClientRequest.Method) -> String {
        switch method {
        case .get: "read"
        case .post: "create"
        case .put, .patch: "update"
        case .delete: "delete"
        default: "other"
        }
    }

    static let buckets: [Duration] = [
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]
}
