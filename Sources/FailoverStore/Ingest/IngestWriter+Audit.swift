import FailoverCore
import GRDB

extension IngestWriter {
    /// Records what a stored delivery did, in the delivery's own transaction: `webhook.received`, then one event
    /// per alert (`episode.opened`, `episode.resolved` or `episode.duplicate`). Both commit together or not at all.
    static func recordAudit(
        of delivery: PreparedDelivery, _ receipt: IngestReceipt, with audit: AuditWriter, in db: Database
    ) throws {
        let actor = delivery.authenticatedAs ?? "anonymous"
        let now = delivery.receivedAtMilliseconds
        let firing = delivery.firingCount
        let alertnames = Set(delivery.alerts.map(\.alertname))
        _ = try audit.append(
            AuditEventDraft(
                type: .webhookReceived, actor: actor, recordedAtMilliseconds: now,
                outcome: .success,
                alertname: alertnames.count == 1 ? alertnames.first : nil,
                detail: [
                    "delivery": .integer(receipt.deliveryID), "group_key": .string(delivery.groupKey),
                    "receiver": .string(delivery.receiver), "firing": .integer(Int64(firing)),
                    "resolved": .integer(Int64(delivery.alerts.count - firing)),
                    "truncated": .integer(Int64(delivery.truncatedAlerts)), "body_sha256": .string(delivery.bodySHA256),
                    "remote_address": .string(delivery.remoteAddress),
                ]),
            in: db)
        for (alert, outcome) in zip(delivery.alerts, receipt.alerts) {
            let type: AuditEventType
            switch outcome.transition {
            case .opened, .openedResolved: type = .episodeOpened
            case .resolved: type = .episodeResolved
            case .duplicateFiring, .duplicateResolved, .staleFiring: type = .episodeDuplicate
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
