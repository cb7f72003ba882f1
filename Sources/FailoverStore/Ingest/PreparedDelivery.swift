import FailoverCore
import Foundation

/// A decoded webhook with everything the writer needs already computed, so that the single writer thread
/// spends its time on SQL only (encoding and hashing happen on the request's own task).
public struct PreparedDelivery: Sendable {
    /// When the request arrived, in milliseconds since the epoch.
    public var receivedAtMilliseconds: Int64
    /// The peer's address.
    public var remoteAddress: String
    /// The credential that admitted the request (`bearer`, `basic:USER`), `nil` when the endpoint is open.
    public var authenticatedAs: String?
    /// The notification's group key.
    public var groupKey: String
    /// The receiver name as sent.
    public var receiver: String
    /// The notification's top-level status.
    public var status: AlertStatus
    /// How many alerts Alertmanager left out.
    public var truncatedAlerts: Int
    /// Lower-case hex SHA-256 of the body.
    public var bodySHA256: String
    /// The body as received.
    public var body: Data
    /// The alerts, in message order.
    public var alerts: [PreparedAlert]

    /// Prepares a decoded webhook for storage.
    public init(
        webhook: AlertmanagerWebhook, body: Data, bodySHA256: String, receivedAtMilliseconds: Int64,
        remoteAddress: String, authenticatedAs: String?
    ) {
        self.receivedAtMilliseconds = receivedAtMilliseconds
        self.remoteAddress = remoteAddress
        self.authenticatedAs = authenticatedAs
        self.groupKey = webhook.groupKey
        self.receiver = webhook.receiver
        self.status = webhook.status
        self.truncatedAlerts = webhook.truncatedAlerts
        self.bodySHA256 = bodySHA256
        self.body = body
        self.alerts = webhook.alerts.map(PreparedAlert.init)
    }

    /// How many alerts fire.
    public var firingCount: Int { alerts.count { $0.status == .firing } }
}

/// One alert ready for storage: its episode key in canonical form and its label sets as JSON text.
public struct PreparedAlert: Sendable {
    /// Alertmanager's fingerprint.
    public var fingerprint: String
    /// `startsAt` in canonical RFC 3339 (UTC, trailing fraction zeros removed).
    public var startsAt: String
    /// The alert's own status.
    public var status: AlertStatus
    /// The `alertname` label.
    public var alertname: String
    /// Labels as JSON: as received, or with sorted keys when built in code.
    public var labelsJSON: String
    /// Annotations as JSON: as received, or with sorted keys when built in code.
    public var annotationsJSON: String
    /// The generator URL.
    public var generatorURL: String
    /// `endsAt` in canonical RFC 3339, `nil` when Go's zero time.
    public var endsAt: String?
    /// What the alert says about its firing period (the instants, for comparisons).
    public var notice: AlertNotice
    /// The labels, for runbook matching and templates.
    public var labels: [String: String]
    /// The annotations, for templates.
    public var annotations: [String: String]

    /// Prepares one alert.
    public init(_ alert: WebhookAlert) {
        fingerprint = alert.fingerprint
        startsAt = alert.startsAt.rfc3339
        status = alert.status
        alertname = alert.alertname
        labelsJSON = alert.labelsText ?? JSONText.object(alert.labels)
        annotationsJSON = alert.annotationsText ?? JSONText.object(alert.annotations)
        generatorURL = alert.generatorURL
        endsAt = alert.endsAt?.rfc3339
        notice = AlertNotice(status: alert.status, startsAt: alert.startsAt, endsAt: alert.endsAt)
        labels = alert.labels
        annotations = alert.annotations
    }
}
