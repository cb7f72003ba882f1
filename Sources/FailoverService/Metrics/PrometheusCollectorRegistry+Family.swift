import Prometheus

extension PrometheusCollectorRegistry {
    /// One counter of the family `name` per value of `label`, registered at once so that `/metrics` shows every
    /// value from the start (0 until counted), keyed by the value.
    func counterFamily<Value: Hashable>(
        _ name: String, help: String, label: String, values: some Sequence<Value>, text: (Value) -> String
    ) -> [Value: Counter] {
        var counters: [Value: Counter] = [:]
        for value in values {
            counters[value] = makeCounter(descriptor: .named(name, help: help), labels: [(label, text(value))])
        }
        return counters
    }
}
