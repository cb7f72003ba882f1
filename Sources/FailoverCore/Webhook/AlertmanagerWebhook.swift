/// A notification from Alertmanager's webhook receiver, version 4 of its contract.
///
/// Decode it with ``decode(_:)``, which accepts exactly what the contract allows: unknown fields are ignored,
/// `truncatedAlerts` may be absent (older Alertmanagers), `endsAt` may be Go's zero time.
public struct AlertmanagerWebhook: Sendable, Hashable {
    /// The receiver's name, regex-escaped by Alertmanager (`web.hook` arrives as `web\.hook`).
    public var receiver: String
    /// `firing` when any alert fires. Decisions are made per alert, never on this.
    public var status: AlertStatus
    /// The alerts of the group in this notification.
    public var alerts: [WebhookAlert]
    /// Labels that the group is built on.
    public var groupLabels: [String: String]
    /// Labels common to every alert.
    public var commonLabels: [String: String]
    /// Annotations common to every alert.
    public var commonAnnotations: [String: String]
    /// Alertmanager's external URL.
    public var externalURL: String
    /// Opaque identifier of the alert group, stable for the group's life.
    public var groupKey: String
    /// How many alerts `max_alerts` left out of this notification.
    public var truncatedAlerts: Int

    /// Creates a webhook value.
    public init(
        receiver: String, status: AlertStatus, alerts: [WebhookAlert], groupLabels: [String: String] = [:],
        commonLabels: [String: String] = [:], commonAnnotations: [String: String] = [:], externalURL: String = "",
        groupKey: String, truncatedAlerts: Int = 0
    ) {
        self.receiver = receiver
        self.status = status
        self.alerts = alerts
        self.groupLabels = groupLabels
        self.commonLabels = commonLabels
        self.commonAnnotations = commonAnnotations
        self.externalURL = externalURL
        self.groupKey = groupKey
        self.truncatedAlerts = truncatedAlerts
    }

    /// How many alerts in this notification fire.
    public var firingCount: Int { alerts.count { $0.status == .firing } }
    /// How many alerts in this notification are resolved.
    public var resolvedCount: Int { alerts.count { $0.status == .resolved } }
}
