import FailoverCore

/// How the status page words times, durations, keys and states.
enum StatusPageText {
    /// RFC 3339 in UTC for milliseconds since the epoch.
    static func time(milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let nanoseconds = Int32((milliseconds - seconds * 1000) * 1_000_000)
        return Timestamp(secondsSinceEpoch: seconds, nanoseconds: nanoseconds).rfc3339
    }

    /// Milliseconds since the epoch of an RFC 3339 time as the store formats them.
    static func milliseconds(_ time: String) -> Int64? {
        Timestamp(rfc3339: time)?.millisecondsSinceEpoch
    }

    /// `850 ms`, `12.3 s`, `4m 05s`, `2h 03m`, `3d 04h`.
    static func duration(milliseconds: Int64) -> String {
        let total = max(0, milliseconds)
        if total < 1000 { return "\(total) ms" }
        if total < 60_000 {
            let tenths = total / 100
            return "\(tenths / 10).\(tenths % 10) s"
        }
        let seconds = total / 1000
        func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        if seconds < 3600 { return "\(seconds / 60)m \(twoDigits(seconds % 60))s" }
        if seconds < 86_400 { return "\(seconds / 3600)h \(twoDigits(seconds / 60 % 60))m" }
        return "\(seconds / 86_400)d \(twoDigits(seconds / 3600 % 24))h"
    }

    /// A configured duration, worded as ``duration(milliseconds:)``.
    static func duration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return self.duration(milliseconds: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// From `start` to `end` (RFC 3339), or `-` when either is missing or unreadable.
    static func duration(from start: String?, to end: String?) -> String {
        guard let start = start.flatMap(milliseconds), let end = end.flatMap(milliseconds) else { return "-" }
        return duration(milliseconds: end - start)
    }

    /// `region=us-east, zone=a`, in label name order; `(no key labels)` for the empty key.
    static func key(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "(no key labels)" }
        return labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }

    /// `1 runbook`, `2 runbooks`.
    static func count(_ count: Int, _ singular: String, _ plural: String) -> String {
        "\(count) \(count == 1 ? singular : plural)"
    }

    /// Which side serves for a key in `phase`, for an operator, and the CSS class that marks it.
    static func side(_ phase: RunbookKeyPhase) -> (text: String, tone: String) {
        switch phase {
        case .normal: ("primary", "ok")
        case .failingOver: ("moving to the secondary", "warn")
        case .failedOver: ("secondary", "warn")
        case .failingBack: ("moving back to the primary", "warn")
        case .failed: ("unknown: needs an operator (DNS may be half changed)", "bad")
        }
    }

    /// The CSS class of an execution in `state`.
    static func tone(_ state: ExecutionState) -> String {
        switch state {
        case .succeeded: "ok"
        case .failed: "bad"
        case .scheduled, .running, .cancelled, .suppressed: "warn"
        }
    }

    /// The CSS class of a step in `state`.
    static func tone(_ state: StepRecordState) -> String {
        switch state {
        case .succeeded: "ok"
        case .failed: "bad"
        case .running: "warn"
        case .skipped: ""
        }
    }

    /// The CSS class of an audit outcome.
    static func tone(_ outcome: AuditOutcome) -> String {
        switch outcome {
        case .success: "ok"
        case .failure, .rejected: "bad"
        case .suppressed, .cancelled: "warn"
        }
    }

    /// How a runbook fails back.
    static func failback(_ policy: FailbackPolicy) -> String {
        switch policy.mode {
        case .auto: "automatic, once the incident has stayed resolved for \(duration(policy.hold))"
        case .manual: "manual: an operator approves, after a \(duration(policy.hold)) hold"
        case FailbackPolicy.Mode.none: "none: an operator runs it"
        }
    }
}
