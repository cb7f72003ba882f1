import FailoverCore
import GRDB

extension IngestWriter {
    /// Stores one delivery and applies each of its alerts to its episode, inside the caller's transaction.
    static func apply(_ delivery: PreparedDelivery, in db: Database) throws -> IngestReceipt {
        try db.cachedStatement(
            sql: """
                INSERT INTO deliveries (received_at_ms, remote_address, authenticated_as, group_key, receiver, status,
                    alert_count, firing_count, resolved_count, truncated_alerts, body_sha256, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            delivery.receivedAtMilliseconds, delivery.remoteAddress, delivery.authenticatedAs, delivery.groupKey,
            delivery.receiver, delivery.status.rawValue, delivery.alerts.count, delivery.firingCount,
            delivery.alerts.count - delivery.firingCount, delivery.truncatedAlerts, delivery.bodySHA256,
            delivery.body,
        ])
        let deliveryID = db.lastInsertedRowID
        let now = delivery.receivedAtMilliseconds
        var outcomes: [AlertOutcome] = []
        outcomes.reserveCapacity(delivery.alerts.count)
        for (position, alert) in delivery.alerts.enumerated() {
            let existing = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, state FROM episodes WHERE fingerprint = ? AND starts_at = ?"),
                arguments: [alert.fingerprint, alert.startsAt])
            let current = existing.flatMap { EpisodeState(rawValue: $0["state"]) }
            let transition = EpisodeTransition.decide(current: current, incoming: alert.status)
            let episodeID: Int64
            switch transition {
            case .opened, .openedResolved:
                let resolved = transition == .openedResolved
                try db.cachedStatement(
                    sql: """
                        INSERT INTO episodes (fingerprint, starts_at, alertname, labels, annotations, generator_url,
                            state, seen_firing, ends_at, opened_at_ms, first_delivery_id, resolved_at_ms,
                            resolved_delivery_id, last_seen_ms, last_delivery_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    alert.fingerprint, alert.startsAt, alert.alertname, alert.labelsJSON, alert.annotationsJSON,
                    alert.generatorURL, transition.resultingState.rawValue, !resolved, alert.endsAt, now, deliveryID,
                    resolved ? now : nil, resolved ? deliveryID : nil, now, deliveryID,
                ])
                episodeID = db.lastInsertedRowID
            case .resolved:
                episodeID = existing!["id"]
                try db.cachedStatement(
                    sql: """
                        UPDATE episodes SET state = 'resolved', ends_at = ?, resolved_at_ms = ?, resolved_delivery_id = ?,
                            annotations = ?, last_seen_ms = ?, last_delivery_id = ?
                        WHERE id = ?
                        """
                ).execute(arguments: [alert.endsAt, now, deliveryID, alert.annotationsJSON, now, deliveryID, episodeID])
            case .duplicateFiring, .duplicateResolved, .staleFiring:
                episodeID = existing!["id"]
                try db.cachedStatement(
                    sql: """
                        UPDATE episodes SET duplicates = duplicates + 1, stale_firings = stale_firings + ?,
                            last_seen_ms = ?, last_delivery_id = ?
                        WHERE id = ?
                        """
                ).execute(arguments: [transition == .staleFiring ? 1 : 0, now, deliveryID, episodeID])
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO delivery_alerts (delivery_id, position, episode_id, status, transition)
                    VALUES (?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [deliveryID, position, episodeID, alert.status.rawValue, transition.rawValue])
            outcomes.append(
                AlertOutcome(
                    fingerprint: alert.fingerprint, startsAt: alert.startsAt, episodeID: episodeID,
                    transition: transition))
        }
        return IngestReceipt(deliveryID: deliveryID, alerts: outcomes)
    }
}
