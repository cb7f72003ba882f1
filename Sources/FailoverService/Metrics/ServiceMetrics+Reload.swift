import Foundation
import Prometheus

/// Configuration reloads on `/metrics`, named as Prometheus names its own.
extension ServiceMetrics {
    /// Counts a reload and sets `failoverd_config_last_reload_successful` (and its success timestamp).
    func recordReload(succeeded: Bool, at time: Date) {
        registry.makeCounter(
            descriptor: .named(
                "failoverd_config_reloads_total", help: "Configuration reloads (SIGHUP, POST /-/reload) by result."),
            labels: [("result", succeeded ? "success" : "failure")]
        ).increment()
        lastReloadSuccessful.set(succeeded ? 1.0 : 0.0)
        if succeeded { lastReloadSuccess.set(time.timeIntervalSince1970) }
    }

    /// `failoverd_config_last_reload_successful`: 1 until a reload fails, 0 until one succeeds again.
    var lastReloadSuccessful: Gauge {
        registry.makeGauge(
            descriptor: .named(
                "failoverd_config_last_reload_successful",
                help: "Whether the last configuration reload succeeded (1) or failed, the previous one in force (0)."))
    }

    /// `failoverd_config_last_reload_success_timestamp_seconds`: when the configuration in force was loaded.
    var lastReloadSuccess: Gauge {
        registry.makeGauge(
            descriptor: .named(
                "failoverd_config_last_reload_success_timestamp_seconds",
                help: "When the configuration in force was loaded, at start or by a reload, in seconds since the epoch."
            ))
    }
}
