import FailoverCore
import FailoverStore
import Prometheus

/// The runbooks' state on `/metrics`, set from the database at each scrape: which side each runbook serves from,
/// what waits or runs too long, what was suppressed, pauses, the last success of each kind.
extension ServiceMetrics {
    /// Sets the runbook gauges and the database size from one reading.
    func record(_ gauges: RunbookGauges) {
        for (runbook, figures) in gauges.runbooks {
            for (phase, count) in figures.keys {
                gauge(
                    "failoverd_runbook_keys",
                    "Runbook keys by state; failed_over or failing_back means the secondary side serves.",
                    [("runbook", runbook), ("state", phase.rawValue)]
                ).set(Double(count))
            }
            gauge("failoverd_incidents_open", "Incidents open now, by runbook.", [("runbook", runbook)])
                .set(Double(figures.openIncidents))
            gauge(
                "failoverd_runbook_executions_waiting", "Executions scheduled and not claimed yet, by runbook.",
                [("runbook", runbook)]
            ).set(Double(figures.waiting))
            gauge(
                "failoverd_runbook_execution_overdue_seconds",
                "How far past its due time the most overdue unclaimed execution is (0 when none).",
                [("runbook", runbook)]
            ).set(figures.overdueSeconds)
            gauge(
                "failoverd_runbook_execution_running_seconds",
                "How long the longest-running execution has run (0 when none).", [("runbook", runbook)]
            ).set(figures.runningSeconds)
            gauge(
                "failoverd_runbook_paused", "Whether automatic executions of the runbook are paused (1) or not (0).",
                [("runbook", runbook)]
            ).set(figures.paused ? 1.0 : 0.0)
            for reason in SuppressionReason.allCases {
                suppressed(runbook: runbook, reason: reason, count: figures.suppressed[reason] ?? 0)
            }
            for (kind, time) in figures.lastSuccess {
                gauge(
                    "failoverd_runbook_last_success_timestamp_seconds",
                    "When the last successful (not dry-run) execution of each kind ended, in seconds since the epoch.",
                    [("runbook", runbook), ("kind", kind.rawValue)]
                ).set(time)
            }
        }
        gauge("failoverd_database_size_bytes", "The database file and its write-ahead log, in bytes.", [])
            .set(Double(gauges.databaseBytes))
    }

    /// The gauge `name` with `labels`, registered on first use.
    func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: .named(name, help: help), labels: labels)
    }

    /// The counter follows the database's count (it survives restarts and never goes down).
    private func suppressed(runbook: String, reason: SuppressionReason, count: Int) {
        let counter = registry.makeCounter(
            descriptor: .named(
                "failoverd_runbook_executions_suppressed_total",
                help: "Executions suppressed (paused runbook, flap guard, failed key), by runbook and reason."),
            labels: [("runbook", runbook), ("reason", reason.rawValue)])
        let delta = suppressedCounted.withLock { counted -> Int in
            let key = runbook + "\u{0}" + reason.rawValue
            let delta = max(0, count - (counted[key] ?? 0))
            counted[key] = max(counted[key] ?? 0, count)
            return delta
        }
        if delta > 0 { counter.increment(by: Int64(delta)) }
    }
}
