import FailoverCore
import Foundation

/// A webhook body as Alertmanager 0.25 sends it (`version: 4`, the shape of `Tests/Fixtures/alertmanager-0.25`), for
/// tests that post to failoverd's `/webhook` directly instead of through a real Alertmanager.
///
/// One notification of one group holding one alert: the group is the alert's `alertname` and `region` (when it
/// has one), the fingerprint a stable digest of the labels as Alertmanager's is.
public struct AlertmanagerWebhookBody: Sendable, Hashable {
    /// The alert's labels (`alertname` included).
    public var labels: [String: String]
    /// The alert's annotations.
    public var annotations: [String: String]
    /// When the firing period started.
    public var startsAt: Timestamp
    /// `nil` while it fires (sent as Go's zero time); the resolution time once resolved.
    public var endsAt: Timestamp?
    /// The receiver's name.
    public var receiver: String
    /// The sending Alertmanager's URL.
    public var externalURL: String

    /// A firing alert that started at `startsAt`.
    public static func firing(
        labels: [String: String], annotations: [String: String] = [:], startsAt: Timestamp,
        receiver: String = "failoverd", externalURL: String = "http://alertmanager.test:9093"
    ) -> AlertmanagerWebhookBody {
        AlertmanagerWebhookBody(
            labels: labels, annotations: annotations, startsAt: startsAt, endsAt: nil, receiver: receiver,
            externalURL: externalURL)
    }

    /// The same alert resolved at `resolvedAt`.
    public func resolved(at resolvedAt: Timestamp) -> AlertmanagerWebhookBody {
        var body = self
        body.endsAt = resolvedAt
        return body
    }

    /// `firing` or `resolved`.
    public var status: String { endsAt == nil ? "firing" : "resolved" }

    /// The fingerprint: 16 hex digits of a stable (FNV-1a) hash of the sorted labels.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            for byte in Array(name.utf8) + [0xff] + Array(value.utf8) + [0xff] {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The JSON text to post.
    public func bytes() throws -> [UInt8] {
        var groupLabels: [String: String] = [:]
        for name in ["alertname", "region"] { groupLabels[name] = labels[name] }
        let groupKey =
            "{}:{"
            + groupLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ", ") + "}"
        let alert: [String: Any] = [
            "status": status, "labels": labels, "annotations": annotations, "startsAt": startsAt.rfc3339,
            "endsAt": (endsAt ?? .goZero).rfc3339, "generatorURL": "http://prometheus.test/graph",
            "fingerprint": fingerprint,
        ]
        let body: [String: Any] = [
            "receiver": receiver, "status": status, "alerts": [alert], "groupLabels": groupLabels,
            "commonLabels": labels, "commonAnnotations": annotations, "externalURL": externalURL, "version": "4",
            "groupKey": groupKey, "truncatedAlerts": 0,
        ]
        return Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
    }
}
