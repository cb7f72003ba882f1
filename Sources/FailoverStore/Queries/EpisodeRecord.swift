import FailoverCore
import Foundation
import GRDB

/// An episode as operators see it through the API.
public struct EpisodeRecord: Sendable, Hashable, Codable {
    /// The episode's id.
    public var id: Int64
    /// Alertmanager's fingerprint of the alert.
    public var fingerprint: String
    /// When the alert started firing (canonical RFC 3339).
    public var startsAt: String
    /// The `alertname` label.
    public var alertname: String
    /// The alert's labels.
    public var labels: [String: String]
    /// The alert's annotations (as of the latest opening or resolving notification).
    public var annotations: [String: String]
    /// Link to the firing expression.
    public var generatorURL: String
    /// `firing` or `resolved`.
    public var state: EpisodeState
    /// `false` when the episode was first seen already resolved.
    public var seenFiring: Bool
    /// When the alert ended, as Alertmanager reported it.
    public var endsAt: String?
    /// When failoverd opened the episode (RFC 3339, milliseconds).
    public var openedAt: String
    /// The delivery that opened it.
    public var firstDeliveryID: Int64
    /// When failoverd recorded its resolution.
    public var resolvedAt: String?
    /// The delivery that resolved it.
    public var resolvedDeliveryID: Int64?
    /// When a notification about it arrived last.
    public var lastSeenAt: String
    /// The latest delivery that mentioned it.
    public var lastDeliveryID: Int64
    /// Notifications that repeated a known state.
    public var duplicates: Int
    /// Of those, firing notifications that arrived after the episode resolved (HA peers).
    public var staleFirings: Int

    init(row: Row) {
        id = row["id"]
        fingerprint = row["fingerprint"]
        startsAt = row["starts_at"]
        alertname = row["alertname"]
        labels = Self.decodeMap(row["labels"])
        annotations = Self.decodeMap(row["annotations"])
        generatorURL = row["generator_url"]
        state = EpisodeState(rawValue: row["state"]) ?? .firing
        seenFiring = row["seen_firing"]
        endsAt = row["ends_at"]
        openedAt = Self.format(milliseconds: row["opened_at_ms"])
        firstDeliveryID = row["first_delivery_id"]
        resolvedAt = (row["resolved_at_ms"] as Int64?).map(Self.format(milliseconds:))
        resolvedDeliveryID = row["resolved_delivery_id"]
        lastSeenAt = Self.format(milliseconds: row["last_seen_ms"])
        lastDeliveryID = row["last_delivery_id"]
        duplicates = row["duplicates"]
        staleFirings = row["stale_firings"]
    }

    static func decodeMap(_ text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }

    static func format(milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let nanos = Int32((milliseconds - seconds * 1000) * 1_000_000)
        return Timestamp(secondsSinceEpoch: seconds, nanoseconds: nanos).rfc3339
    }
}
