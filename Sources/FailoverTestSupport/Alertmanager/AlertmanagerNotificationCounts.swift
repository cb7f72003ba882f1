/// The webhook integration's counters of one Alertmanager peer (its `/metrics`).
public struct AlertmanagerNotificationCounts: Sendable, Hashable {
    /// `alertmanager_notifications_total{integration="webhook"}`: notifications the peer tried to deliver.
    public var notifications: Int
    /// `alertmanager_notifications_failed_total{integration="webhook"}`: of those, given up (no 2xx in the flush).
    public var failedNotifications: Int
    /// `alertmanager_notification_requests_total{integration="webhook"}`: HTTP requests, retries included.
    public var requests: Int
    /// `alertmanager_notification_requests_failed_total{integration="webhook"}`: requests answered other than 2xx
    /// or not answered at all. Zero means every receiver answered every request with 2xx.
    public var failedRequests: Int

    /// Creates counts.
    public init(notifications: Int, failedNotifications: Int, requests: Int, failedRequests: Int) {
        self.notifications = notifications
        self.failedNotifications = failedNotifications
        self.requests = requests
        self.failedRequests = failedRequests
    }

    /// Reads the counters from the Prometheus text exposition of `/metrics`, summing every series of the webhook
    /// integration (whatever other labels a version adds); absent counters count as zero.
    public init(metricsText: String) {
        func sum(_ name: String) -> Int {
            var total = 0.0
            for line in metricsText.split(separator: "\n") where line.hasPrefix(name + "{") {
                guard line.contains("integration=\"webhook\""), let value = line.split(separator: " ").last else {
                    continue
                }
                total += Double(value) ?? 0
            }
            return Int(total)
        }
        self.init(
            notifications: sum("alertmanager_notifications_total"),
            failedNotifications: sum("alertmanager_notifications_failed_total"),
            requests: sum("alertmanager_notification_requests_total"),
            failedRequests: sum("alertmanager_notification_requests_failed_total"))
    }
}
