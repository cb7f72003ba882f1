import FailoverCore
import GRDB

/// A stored webhook delivery, without its body.
public struct DeliveryRecord: Sendable, Hashable, Codable {
    /// The delivery's id.
    public var id: Int64
    /// When it arrived (RFC 3339, milliseconds).
    public var receivedAt: String
    /// The peer's address.
    public var remoteAddress: String
    /// The credential that admitted it, if any.
    public var authenticatedAs: String?
    /// The notification's group key.
    public var groupKey: String
    /// The receiver name.
    public var receiver: String
    /// The top-level status.
    public var status: AlertStatus
    /// Alerts in the notification.
    public var alertCount: Int
    /// Of those, firing.
    public var firingCount: Int
    /// Of those, resolved.
    public var resolvedCount: Int
    /// Alerts Alertmanager left out (`max_alerts`).
    public var truncatedAlerts: Int
    /// SHA-256 of the body, hex.
    public var bodySHA256: String
    /// Body size in bytes; `nil` when the body is no longer kept.
    public var bodyBytes: Int?

    init(row: Row) {
        id = row["id"]
        receivedAt = EpisodeRecord.format(milliseconds: row["received_at_ms"])
        remoteAddress = row["remote_address"]
        authenticatedAs = row["authenticated_as"]
        groupKey = row["group_key"]
        receiver = row["receiver"]
        status = AlertStatus(rawValue: row["status"]) ?? .firing
        alertCount = row["alert_count"]
        firingCount = row["firing_count"]
        resolvedCount = row["resolved_count"]
        truncatedAlerts = row["truncated_alerts"]
        bodySHA256 = row["body_sha256"]
        bodyBytes = row["body_bytes"]
    }
}
