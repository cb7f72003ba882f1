import Prometheus

extension MetricNameDescriptor {
    /// The descriptor of a metric exposed under the whole of `name`, unit suffix included (`…_total`,
    /// `…_seconds`): failoverd's metric names are written out where they are registered, so they can be found
    /// by searching for what `/metrics` shows.
    static func named(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
