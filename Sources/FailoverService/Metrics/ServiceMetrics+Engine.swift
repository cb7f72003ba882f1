import FailoverCore
import FailoverEngine
import Prometheus

/// Runbook executions and steps on `/metrics`; labels are the runbook's name and closed sets only.
extension ServiceMetrics: EngineObserver {
    public func executionEnded(runbook: String, kind: ExecutionKind, state: ExecutionState?, duration: Duration) {
        let outcome = state?.rawValue ?? "claim_lost"
        registry.makeCounter(
            descriptor: .named(
                "failoverd_runbook_executions_total",
                help: "Runbook executions that ended, by runbook, kind and outcome."),
            labels: [("runbook", runbook), ("kind", kind.rawValue), ("outcome", outcome)]
        ).increment()
        guard state != nil else { return }
        registry.makeDurationHistogram(
            descriptor: .named(
                "failoverd_runbook_execution_duration_seconds", help: "Time from an execution's claim to its end."),
            labels: [("runbook", runbook), ("kind", kind.rawValue)],
            buckets: Self.executionBuckets
        ).record(duration)
    }

    public func stepEnded(runbook: String, kind: String, state: StepRecordState, duration: Duration) {
        registry.makeDurationHistogram(
            descriptor: .named("failoverd_runbook_step_duration_seconds", help: "Time one runbook step took, by kind."),
            labels: [("kind", kind), ("state", state.rawValue)],
            buckets: Self.executionBuckets
        ).record(duration)
    }

    static let executionBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .seconds(1), .milliseconds(2500),
        .seconds(10), .seconds(30), .seconds(60), .seconds(300),
    ]
}
