/// The audit layout of webhook deliveries and what they did to episodes. Pure: the ingest writer appends what this
/// returns in the delivery's own transaction.
///
/// - `webhook.received`, whose detail lists every alert with its episode and transition, repeats included;
/// - `episode.opened` and `episode.resolved` for every change of an episode's state;
/// - `episode.reopen_pending`, `episode.reopen_cancelled` and `episode.reopened` for a firing after the resolution
///   and how its confirmation window ended;
/// - `episode.duplicate` for a resolved notification of an older period, which closes nothing.
///
/// Plain repeats of a known state (re-sends, peers, `repeat_interval`) are the bulk of all notifications; they stay
/// visible in the delivery's event without one event each, which kept the audit trail's share of the ingest path's
/// cost to one event per webhook in `make bench`.
public enum EpisodeAudit {
    /// One delivery as the audit describes it.
    public struct Delivery {
        /// The stored delivery's id.
        public var id: Int64
        /// When it arrived (ms since the epoch).
        public var receivedAtMilliseconds: Int64
        /// The credential that admitted it; `nil` when the webhook is open.
        public var authenticatedAs: String?
        /// The notification's group key.
        public var groupKey: String
        /// The receiver name.
        public var receiver: String
        /// Alerts that fire.
        public var firing: Int
        /// Alerts Alertmanager left out.
        public var truncated: Int
        /// The body's SHA-256, hex.
        public var bodySHA256: String
        /// The peer's address.
        public var remoteAddress: String

        /// Creates a delivery description.
        public init(
            id: Int64, receivedAtMilliseconds: Int64, authenticatedAs: String?, groupKey: String, receiver: String,
            firing: Int, truncated: Int, bodySHA256: String, remoteAddress: String
        ) {
            self.id = id
            self.receivedAtMilliseconds = receivedAtMilliseconds
            self.authenticatedAs = authenticatedAs
            self.groupKey = groupKey
            self.receiver = receiver
            self.firing = firing
            self.truncated = truncated
            self.bodySHA256 = bodySHA256
            self.remoteAddress = remoteAddress
        }
    }

    /// One alert of the delivery and what it did.
    public struct Alert {
        /// The fingerprint.
        public var fingerprint: String
        /// The alert name.
        public var alertname: String
        /// `startsAt` as sent (canonical).
        public var startsAt: String
        /// The alert's status.
        public var status: AlertStatus
        /// The episode it touched.
        public var episodeID: Int64
        /// What it did.
        public var transition: EpisodeTransition

        /// Creates an alert description.
        public init(
            fingerprint: String, alertname: String, startsAt: String, status: AlertStatus, episodeID: Int64,
            transition: EpisodeTransition
        ) {
            self.fingerprint = fingerprint
            self.alertname = alertname
            self.startsAt = startsAt
            self.status = status
            self.episodeID = episodeID
            self.transition = transition
        }
    }

    /// The drafts for one delivery, in append order.
    public static func drafts(for delivery: Delivery, alerts: [Alert]) -> [AuditEventDraft] {
        let actor = delivery.authenticatedAs ?? "anonymous"
        let now = delivery.receivedAtMilliseconds
        let alertnames = Set(alerts.map(\.alertname))
        let listed: [AuditValue] = alerts.map { alert in
            .object([
                "episode": .integer(alert.episodeID), "fingerprint": .string(alert.fingerprint),
                "transition": .string(alert.transition.rawValue),
            ])
        }
        var drafts: [AuditEventDraft] = [
            AuditEventDraft(
                type: .webhookReceived, actor: actor, recordedAtMilliseconds: now,
                alertname: alertnames.count == 1 ? alertnames.first : nil,
                detail: [
                    "delivery": .integer(delivery.id), "group_key": .string(delivery.groupKey),
                    "receiver": .string(delivery.receiver), "firing": .integer(Int64(delivery.firing)),
                    "resolved": .integer(Int64(alerts.count - delivery.firing)),
                    "truncated": .integer(Int64(delivery.truncated)), "body_sha256": .string(delivery.bodySHA256),
                    "remote_address": .string(delivery.remoteAddress), "alerts": .array(listed),
                ])
        ]
        for alert in alerts {
            guard let type = eventType(of: alert.transition) else { continue }
            drafts.append(
                AuditEventDraft(
                    type: type, actor: actor, recordedAtMilliseconds: now, episode: alert.episodeID,
                    fingerprint: alert.fingerprint, alertname: alert.alertname,
                    detail: [
                        "delivery": .integer(delivery.id), "transition": .string(alert.transition.rawValue),
                        "starts_at": .string(alert.startsAt), "status": .string(alert.status.rawValue),
                    ]))
        }
        return drafts
    }

    /// The event a transition gets of its own; `nil` for plain repeats.
    public static func eventType(of transition: EpisodeTransition) -> AuditEventType? {
        switch transition {
        case .opened, .openedResolved: .episodeOpened
        case .resolved: .episodeResolved
        case .reopenPending: .episodeReopenPending
        case .reopenCancelled: .episodeReopenCancelled
        case .reopened: .episodeReopened
        case .staleResolved: .episodeDuplicate
        case .duplicateFiring, .duplicateResolved: nil
        }
    }
}
