import FailoverCore
import GRDB

extension IngestWriter {
    /// Records what a stored delivery did, in the delivery's own transaction (both commit or neither), as
    /// ``EpisodeAudit`` lays it out.
    static func recordAudit(
        of delivery: PreparedDelivery, _ receipt: IngestReceipt, with audit: AuditWriter, in db: Database
    ) throws {
        let description = EpisodeAudit.Delivery(
            id: receipt.deliveryID, receivedAtMilliseconds: delivery.receivedAtMilliseconds,
            authenticatedAs: delivery.authenticatedAs, groupKey: delivery.groupKey, receiver: delivery.receiver,
            firing: delivery.firingCount, truncated: delivery.truncatedAlerts, bodySHA256: delivery.bodySHA256,
            remoteAddress: delivery.remoteAddress)
        let alerts = zip(delivery.alerts, receipt.alerts).map { alert, outcome in
            EpisodeAudit.Alert(
                fingerprint: alert.fingerprint, alertname: alert.alertname, startsAt: alert.startsAt,
                status: alert.status, episodeID: outcome.episodeID, transition: outcome.transition)
        }
        for draft in EpisodeAudit.drafts(for: description, alerts: alerts) {
            _ = try audit.append(draft, in: db)
        }
    }
}
