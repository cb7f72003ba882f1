import FailoverCore
import GRDB

extension IngestWriter {
    /// Feeds the delivery's period changes to the runbooks that match, in the delivery's own transaction: an episode
    /// that starts firing joins or opens its incident (and may schedule the failover), one that resolves may close
    /// it. So no acknowledged webhook is left unacted on, across `kill -9` too.
    ///
    /// Only transitions that change whether an episode fires reach the runbooks; repeats, stale firings and waiting
    /// reopenings never do, which keeps the ingest path of duplicates free of runbook work.
    static func planRunbooks(
        for delivery: PreparedDelivery, _ receipt: inout IngestReceipt, settings: RunbookPolicy.Settings,
        audit: AuditWriter, in db: Database
    ) throws {
        guard !settings.catalog.runbooks.isEmpty else { return }
        let record = RunbookKeyRecord(db: db, audit: audit, settings: settings, now: delivery.receivedAtMilliseconds)
        for (alert, outcome) in zip(delivery.alerts, receipt.alerts) {
            let event: RunbookKeyEvent
            if outcome.transition.startsFiring {
                event = .episodeStartedFiring(EpisodeFacts(id: outcome.episodeID, startsAt: outcome.periodStartsAt))
            } else if outcome.transition.stopsFiring {
                event = .episodeStoppedFiring(episodeID: outcome.episodeID)
            } else {
                continue
            }
            for (runbook, key) in settings.catalog.matches(alert.labels) {
                let result = try record.handle(
                    event, runbook: runbook, key: key, actor: "engine", episodeID: outcome.episodeID,
                    labels: alert.labels, annotations: alert.annotations)
                receipt.scheduledExecutions.append(contentsOf: result.scheduledExecutions)
            }
        }
    }
}
