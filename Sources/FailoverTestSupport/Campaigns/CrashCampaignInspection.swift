import Foundation
import GRDB

/// The crash campaign's end: waits until the service has nothing left to do, then counts, from the state file and
/// the fakes, what the campaign checks.
struct CrashCampaignInspection: Sendable {
    let world: CrashCampaignWorld
    let databasePath: String

    /// Waits until no execution is scheduled or running, no failback hold and no reopen is pending, and every
    /// key rests (`normal`, `failed_over` or `failed`), twice in a row 1.5 s apart (longer than the engine's poll
    /// interval and the reopen window's timer granularity).
    func waitUntilSettled(before deadline: ContinuousClock.Instant) async throws {
        let queue = try ExternalConnection.open(databasePath)
        var settledSince: ContinuousClock.Instant?
        while true {
            let busy = try await queue.read { db in
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT (SELECT count(*) FROM executions WHERE state IN ('scheduled', 'running'))
                             + (SELECT count(*) FROM runbook_keys WHERE failback_due_ms IS NOT NULL
                                  OR phase NOT IN ('normal', 'failed_over', 'failed'))
                             + (SELECT count(*) FROM episodes WHERE reopen_due_ms IS NOT NULL)
                        """) ?? 0
            }
            let now = ContinuousClock.now
            if busy == 0 {
                if let since = settledSince, now - since >= .milliseconds(1500) { return }
                settledSince = settledSince ?? now
            } else {
                settledSince = nil
            }
            guard now < deadline else { throw FailoverdAPIError("the service did not settle: \(busy) things left") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private struct Execution {
        var id: Int64
        var runbook: String
        var incident: Int64?
        var kind: String
        var state: String
        var startedAt: Int64?
        var createdAt: Int64
        var finishedAt: Int64?
        var claims: Int
    }

    /// Counts every check on the stopped service's file.
    func checks(acknowledged: [Int64], audit: (intact: Bool, output: String)) async throws -> [CampaignCheck] {
        let queue = try ExternalConnection.open(databasePath)
        return try await queue.read { db in
            var checks: [CampaignCheck] = []

            let stored = Set(try Int64.fetchAll(db, sql: "SELECT id FROM deliveries"))
            let lost = acknowledged.filter { !stored.contains($0) }
            checks.append(
                CampaignCheck(
                    "acknowledged webhooks lost", count: lost.count,
                    detail: "\(acknowledged.count) acknowledged, \(stored.count) deliveries stored"
                        + (lost.isEmpty ? "" : "; lost: \(lost.prefix(10))")))

            let executions = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, runbook, incident_id, kind, state, started_at_ms, created_at_ms, finished_at_ms, claims
                    FROM executions WHERE dry_run = 0 ORDER BY id
                    """
            ).map {
                Execution(
                    id: $0["id"], runbook: $0["runbook"], incident: $0["incident_id"], kind: $0["kind"],
                    state: $0["state"], startedAt: $0["started_at_ms"], createdAt: $0["created_at_ms"],
                    finishedAt: $0["finished_at_ms"], claims: $0["claims"])
            }
            checks.append(
                incidentCheck(
                    try Row.fetchAll(
                        db, sql: "SELECT id, runbook, opened_at_ms, closed_at_ms FROM incidents ORDER BY id"),
                    executions))
            checks.append(
                CampaignCheck(
                    "executions failed", count: executions.filter { $0.state == "failed" }.count,
                    detail:
                        "\(executions.count) executions (\(executions.filter { $0.kind == "failback" }.count) failbacks), "
                        + "\(executions.filter { $0.claims > 1 }.count) taken back "
                        + "after a kill, \(executions.map(\.claims).reduce(0, +)) claims"))
            checks.append(
                CampaignCheck(
                    "executions stuck (scheduled or running)",
                    count: executions.filter { $0.state == "scheduled" || $0.state == "running" }.count))

            var phases: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT runbook, phase FROM runbook_keys") {
                phases[row["runbook"]] = row["phase"]
            }
            checks.append(dnsCheck(phases))

            var runs: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT e.runbook AS runbook, s.path AS path, sum(s.runs) AS runs
                    FROM execution_steps s JOIN executions e ON e.id = s.execution_id
                    WHERE e.dry_run = 0 GROUP BY e.runbook, s.path
                    """)
            {
                runs["\(row["runbook"] as String) \(row["path"] as String)"] = row["runs"]
            }
            checks.append(doubleWriteCheck(runs))
            checks.append(
                CampaignCheck(
                    "audit chain broken", count: audit.intact ? 0 : 1,
                    detail: "failoverd audit verify: \(audit.output.split(separator: "\n").first ?? "")"))
            return checks
        }
    }

    /// Every incident has exactly one succeeded failover, except three cases the state machine defines, counted
    /// apart: the incident resolved before its failover started (the failover is `cancelled`, never started); the
    /// incident opened while the key was failed over already (no failover is due: the key's latest execution
    /// created before the incident opened is a failover that succeeded); the incident opened and closed while a
    /// failback ran (the failback's end found nothing firing: that latest execution is a succeeded failback that
    /// finished after the incident closed).
    private func incidentCheck(_ incidents: [Row], _ executions: [Execution]) -> CampaignCheck {
        var wrong: [String] = []
        var completed = 0
        var resolvedFirst = 0
        var joinedFailedOver = 0
        var duringFailback = 0
        let failoversByIncident = Dictionary(
            grouping: executions.filter { $0.kind == "failover" && $0.incident != nil }
        ) {
            $0.incident!
        }
        let executionsByRunbook = Dictionary(grouping: executions, by: \.runbook)
        for incident in incidents {
            let id: Int64 = incident["id"]
            let openedAt: Int64 = incident["opened_at_ms"]
            let closedAt: Int64? = incident["closed_at_ms"]
            let previous = executionsByRunbook[incident["runbook"]]?.last { $0.createdAt <= openedAt }
            let failovers = failoversByIncident[id] ?? []
            let succeeded = failovers.filter { $0.state == "succeeded" }.count
            if succeeded == 1,
                failovers.allSatisfy({ $0.state == "succeeded" || ($0.state == "cancelled" && $0.startedAt == nil) })
            {
                completed += 1
            } else if succeeded == 0, !failovers.isEmpty,
                failovers.allSatisfy({ $0.state == "cancelled" && $0.startedAt == nil })
            {
                resolvedFirst += 1
            } else if failovers.isEmpty, let previous, previous.kind == "failover", previous.state == "succeeded" {
                joinedFailedOver += 1
            } else if failovers.isEmpty, let previous, let closedAt, previous.kind == "failback",
                previous.state == "succeeded", let finishedAt = previous.finishedAt, closedAt <= finishedAt
            {
                duringFailback += 1
            } else {
                wrong.append("incident \(id): failovers \(failovers.map { "\($0.id) \($0.state)" })")
            }
        }
        return CampaignCheck(
            "incidents without exactly one completed failover", count: wrong.count,
            detail: "\(incidents.count) incidents: \(completed) with one succeeded failover, \(resolvedFirst) resolved "
                + "before their failover started, \(joinedFailedOver) opened while the key was failed over, "
                + "\(duringFailback) opened and closed during a failback"
                + (wrong.isEmpty ? "" : "; \(wrong.prefix(5).joined(separator: "; "))"))
    }

    /// Every region was resolved last, so every key must be back in `normal` and each record at the fakes must
    /// point at the primary again (a key in another phase counts as wrong for both of its records).
    private func dnsCheck(_ phases: [String: String]) -> CampaignCheck {
        var wrong: [String] = []
        var summary: [String: Int] = [:]
        for region in world.regions {
            let phase = phases[CrashCampaignWorld.runbook(region)] ?? "normal"
            summary[phase, default: 0] += 1
            let linodeHas = world.linode.targets(zone: "example.com", name: "app-\(region)")
            let digitalOceanHas = world.digitalOcean.targets(zone: "example.org", name: "app-\(region)")
            if phase != "normal" || linodeHas != [CrashCampaignWorld.linodeTargets.primary] {
                wrong.append("linode app-\(region) \(phase) \(linodeHas)")
            }
            if phase != "normal" || digitalOceanHas != [CrashCampaignWorld.digitalOceanTargets.primary] {
                wrong.append("digitalocean app-\(region) \(phase) \(digitalOceanHas)")
            }
        }
        let phaseText = summary.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return CampaignCheck(
            "DNS records not in the desired state", count: wrong.count,
            detail: "\(world.regions.count * 2) records, keys \(phaseText)" + (wrong.isEmpty ? "" : "; \(wrong)"))
    }

    /// A double write is a write request at a fake that no run of a DNS step explains: per record, the writes the
    /// fake received minus the runs of the steps that set it (step 0 sets the Linode record, step 1 the
    /// DigitalOcean one, in failovers and failbacks alike; a step rerun after a kill counts a run more). A run
    /// writes a record once at most (none when the record is right already), so the excess must be 0.
    private func doubleWriteCheck(_ runs: [String: Int]) -> CampaignCheck {
        var excess = 0
        var writes = 0
        var stepRuns = 0
        var details: [String] = []
        for region in world.regions {
            let runbook = CrashCampaignWorld.runbook(region)
            for (fake, record, path) in [
                (world.linode, world.linodeRecords[region]!, "0"),
                (world.digitalOcean, world.digitalOceanRecords[region]!, "1"),
            ] {
                let written = fake.writeRequestCount(record: record)
                let explained = runs["\(runbook) \(path)"] ?? 0
                writes += written
                stepRuns += explained
                if written > explained {
                    excess += written - explained
                    details.append("\(fake.flavor) app-\(region): \(written) writes, \(explained) runs")
                }
            }
        }
        return CampaignCheck(
            "double writes (record writes beyond the runs of their DNS steps)", count: excess,
            detail: "\(writes) writes at the fakes, \(stepRuns) DNS step runs" + (details.isEmpty ? "" : "; \(details)")
        )
    }
}
