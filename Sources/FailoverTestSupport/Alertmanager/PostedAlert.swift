import FailoverCore
import Foundation

/// One alert as Prometheus posts it to Alertmanager's `POST /api/v2/alerts`.
///
/// Prometheus re-sends a firing alert with `endsAt` = now + 4 × its resend interval (so that Alertmanager resolves
/// it by itself when the re-sends stop) and sends a resolved alert with `endsAt` = the resolution time; posting
/// such alerts by hand gives a test exact control of both.
public struct PostedAlert: Sendable, Hashable {
    /// The label set; Alertmanager's fingerprint is a hash of it.
    public var labels: [String: String]
    /// The annotations.
    public var annotations: [String: String]
    /// When the alert became active, as the posting Prometheus saw it.
    public var startsAt: Timestamp
    /// When the alert ends: in the future for a firing alert, the resolution time (now or earlier) for a resolved
    /// one; `nil` leaves it to Alertmanager's `resolve_timeout`.
    public var endsAt: Timestamp?
    /// The link back to the rule's expression.
    public var generatorURL: String

    /// Creates an alert.
    public init(
        labels: [String: String], annotations: [String: String] = [:], startsAt: Timestamp, endsAt: Timestamp?,
        generatorURL: String = "http://prometheus.test/graph?g0.expr=up%3D%3D0"
    ) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }

    /// A firing alert named `alertname` that Alertmanager keeps firing until `endsAt`.
    public static func firing(
        _ alertname: String, labels: [String: String] = [:], startsAt: Timestamp, endsAt: Timestamp
    ) -> PostedAlert {
        PostedAlert(
            labels: labels.merging(["alertname": alertname]) { _, name in name },
            annotations: ["summary": "\(alertname) fires"], startsAt: startsAt, endsAt: endsAt)
    }

    /// The same alert resolved at `resolvedAt` (as Prometheus sends it when the rule stops firing).
    public func resolved(at resolvedAt: Timestamp) -> PostedAlert {
        var alert = self
        alert.endsAt = resolvedAt
        return alert
    }

    /// The same alert with another `startsAt` (another Prometheus replica's view of the same alert) and `endsAt`.
    public func withPeriod(startsAt: Timestamp, endsAt: Timestamp?) -> PostedAlert {
        var alert = self
        alert.startsAt = startsAt
        alert.endsAt = endsAt
        return alert
    }

    /// The alert as one element of the API's JSON array.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "labels": labels, "annotations": annotations, "startsAt": startsAt.rfc3339, "generatorURL": generatorURL,
        ]
        if let endsAt { object["endsAt"] = endsAt.rfc3339 }
        return object
    }

    /// The request body for `POST /api/v2/alerts`.
    public static func requestBody(_ alerts: [PostedAlert]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: alerts.map(\.jsonObject), options: [.sortedKeys]))
    }
}
