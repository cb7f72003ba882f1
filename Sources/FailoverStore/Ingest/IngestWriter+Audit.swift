import FailoverCore
import GRDB

extension IngestWriter {
    /// Records what a stored delivery did, in the delivery's own transaction (both commit or neither):
    /// - `webhook.received`, whose detail lists every alert with its episode and transition, repeats included;
    /// - `episode.opened` and `episode.resolved` for every change of an episode's state;
    /// - `episode.reopen_pending`, `episode.reopen_cancelled` and `episode.reopened` for a firing after the
    ///   resolution and how its confirmation window ended (at once when the window is zero);
    /// - `episode.duplicate` for a resolved notification of an older period, which closes nothing.
    ///
    /// Plain repeats of a known state (re-sends, peers, `repeat_interval`) are the bulk of all notifications; they
    /// stay visible in the delivery's event without one event each, which kept the audit trail's share of the
    /// ingest path's cost to one event per webhook in `make bench`.
    static func recordAudit(
        of delivery: PreparedDelivery, _ receipt: IngestReceipt, with audit: AuditWriter, in db: Database
    ) throws {
        let actor = delivery.authenticatedAs ?? "anonymous"
        let now = delivery.receivedAtMilliseconds
        let firing = delivery.firingCount
        let alertnames = Set(delivery.alerts.map(\.alertname))
        let alerts: [AuditValue] = receipt.alerts.map { outcome in
            .object([
                "episode": .integer(outcome.episodeID), "fingerprint": .string(outcome.fingerprint),
                "transition": .string(outcome.transition.rawValue),
            ])
        }
        _ = try audit.append(
            AuditEventDraft(
                type: .webhookReceived, actor: actor, recordedAtMilliseconds: now,
                alertname: alertnames.count == 1 ? alertnames.first : nil,
                detail: [
                    "delivery": .integer(receipt.deliveryID), "group_key": .string(delivery.groupKey),
                    "receiver": .string(delivery.receiver), "firing": .integer(Int64(firing)),
                    "resolved": .integer(Int64(delivery.alerts.count - firing)),
                    "truncated": .integer(Int64(delivery.truncatedAlerts)), "body_sha256": .string(delivery.bodySHA256),
                    "remote_address": .string(delivery.remoteAddress), "alerts": .array(alerts),
                ]),
            in: db)
        for (alert, outcome) in zip(delivery.alerts, receipt.alerts) {
            let type: AuditEventType
            switch outcome.transition {
            case .opened, .openedResolved: type = .episodeOpened
            case .resolved: type = .episodeResolved
            case .reopenPending: type = .episodeReopenPending
            case .reopenCancelled: type = .episodeReopenCancelled
            case .reopened: type = .episodeReopened
            case .staleResolved: type = .episodeDuplicate
            case .duplicateFiring, .duplicateResolved: continue
            }
            _ = try audit.append(
                AuditEventDraft(
                    type: type, actor: actor, recordedAtMilliseconds: now, episode: outcome.episodeID,
                    fingerprint: alert.fingerprint, alertname: alert.alertname,
                    detail: [
                        "delivery": .integer(receipt.deliveryID), "transition": .string(outcome.transition.rawValue),
                        "starts_at": .string(alert.startsAt), "status": .string(alert.status.rawValue),
                    ]),
                in: db)
        }
    }
}
