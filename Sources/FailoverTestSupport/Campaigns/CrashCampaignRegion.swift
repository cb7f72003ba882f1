import FailoverCore

/// What the senders of the crash campaign say about one region: its alert's firing periods so far, and the next
/// notification a sender posts for it, drawn at random: a new firing, a duplicate of the current state (as
/// Alertmanager repeats and HA peers send), a resolution, or a stale notification of an earlier period (a late
/// flush of an HA peer: a firing of a resolved period, or a resolved that ends before the current period began).
actor CrashCampaignRegion {
    /// The region's label value (`r0`).
    let name: String
    private var periods: [(startsAt: Timestamp, endsAt: Timestamp?)] = []
    private var clockMilliseconds: Int64 = 0

    init(name: String) { self.name = name }

    /// The alert's labels.
    var labels: [String: String] {
        ["alertname": "PrimaryRegionUnhealthy", "region": name, "job": "app_primary", "severity": "critical"]
    }

    /// The kind of notification drawn.
    enum Notice: String, Sendable, CaseIterable {
        case firing, duplicate, resolved, stale
    }

    /// A strictly increasing wall-clock instant, so that a new period starts after the previous one ended.
    private func now() -> Timestamp {
        clockMilliseconds = max(clockMilliseconds + 1, Timestamp.wallClock().millisecondsSinceEpoch)
        return Timestamp(
            secondsSinceEpoch: clockMilliseconds / 1000, nanoseconds: Int32(clockMilliseconds % 1000) * 1_000_000)
    }

    /// Draws the next notification and moves the region's periods as it says.
    func next(using random: inout CampaignRandom) -> (Notice, AlertmanagerWebhookBody) {
        let roll = Int.random(in: 0..<100, using: &random)
        guard let current = periods.last else { return newPeriod() }
        let body = AlertmanagerWebhookBody.firing(labels: labels, startsAt: current.startsAt)
        if let endsAt = current.endsAt {
            switch roll {
            case 0..<20: return newPeriod()
            case 20..<80: return (.duplicate, body.resolved(at: endsAt))
            default: return (.stale, body)
            }
        }
        switch roll {
        case 0..<50:
            return (.duplicate, body)
        case 50..<80:
            let endsAt = now()
            periods[periods.count - 1].endsAt = endsAt
            return (.resolved, body.resolved(at: endsAt))
        default:
            guard periods.count >= 2, let earlierEnd = periods[periods.count - 2].endsAt else {
                return (.duplicate, body)
            }
            let earlier = AlertmanagerWebhookBody.firing(labels: labels, startsAt: periods[periods.count - 2].startsAt)
            return (.stale, earlier.resolved(at: earlierEnd))
        }
    }

    private func newPeriod() -> (Notice, AlertmanagerWebhookBody) {
        let startsAt = now()
        periods.append((startsAt, nil))
        return (.firing, AlertmanagerWebhookBody.firing(labels: labels, startsAt: startsAt))
    }

    /// The campaign's last word for the region, oldest first: every period's resolution again (as the HA peer
    /// whose stale firing reopened a period sends its own resolved later), the current one resolved now when it
    /// still fires. Together they close every episode a stale firing reopened and cancel every pending reopen.
    func finalResolutions() -> [AlertmanagerWebhookBody] {
        if let current = periods.last, current.endsAt == nil { periods[periods.count - 1].endsAt = now() }
        return periods.map { period in
            AlertmanagerWebhookBody.firing(labels: labels, startsAt: period.startsAt).resolved(
                at: period.endsAt ?? now())
        }
    }
}
