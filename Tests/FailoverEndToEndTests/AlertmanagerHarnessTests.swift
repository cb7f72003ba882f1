import FailoverCore
import FailoverTestSupport
import Foundation
import Testing

/// The three firing-period behaviours of the webhook reference, reproduced with a real Alertmanager 0.25 (Debian)
/// and observed at an in-process ``WebhookRecorder``: what any receiver, failoverd included, must cope with.
///
/// Alerts are posted to Alertmanager's API the way Prometheus posts them, which gives exact control of timing.
/// Route timing is the reference's (group_wait 1 s, group_interval 2 s, repeat_interval 6 s, send_resolved).
@Suite("Real Alertmanager: the three firing-period behaviours at the receiver", .serialized)
struct AlertmanagerHarnessTests {
    /// Behaviour 1. Both peers hold the alert (one Prometheus posts to both). Peer 1 flushes `group_wait` after
    /// the post: it takes its snapshot of the group (the alert firing) and then waits its position × peer timeout
    /// (15 s) before the notification-log check. The alert is resolved 3 s into that wait; peer 0 sends `resolved`
    /// at its next flush (within `group_interval`) and logs it. When peer 1's wait ends, the log's last entry
    /// lists no firing alert while its snapshot has one, so it sends that snapshot: a stale `firing`, about 11 s
    /// after the `resolved`. Its next flush (started as the first ended) sees the alert resolved and, after
    /// another 15 s, sends `resolved` again.
    @Test(
        "HA pair: resolved from peer 0, then a stale firing from peer 1 mid-flush, then resolved again",
        .timeLimit(.minutes(2)))
    func staleFiringFromPeerMidFlush() async throws {
        guard Self.alertmanagerIsInstalled() else { return }
        let directory = try TemporaryDirectory(prefix: "am-harness-ha")
        defer { directory.remove() }
        let recorder = try WebhookRecorder()
        try directory.write("webhook-token", "harness-token-1\n")
        let settings = AlertmanagerSettings(
            webhookURL: recorder.url, bearerCredentialsFile: directory.file("webhook-token"))
        do {
            try await AlertmanagerCluster.run(peerCount: 2, settings: settings, in: directory) { cluster in
                let name = "HAStaleFiring"
                let startsAt = Timestamp.wallClock()
                let alert = PostedAlert.firing(name, startsAt: startsAt, endsAt: startsAt.adding(.seconds(120)))
                let posted = ContinuousClock.now
                try await cluster.postAlerts([alert], toPeer: nil)
                try await recorder.waitForAlerts(named: name, within: .seconds(15), until: "firing") {
                    $0.contains { $0.matches(.firing, startsAt: startsAt) }
                }

                // Scenario timing, not a wait for a result: resolve 3 s after peer 1's snapshot, 12 s before its
                // wait ends (see the test's documentation).
                try await Task.sleep(until: posted.advanced(by: settings.groupWait + .seconds(3)))
                let resolvedAt = Timestamp.wallClock()
                try await cluster.postAlerts([alert.resolved(at: resolvedAt)], toPeer: nil)

                let (alerts, match) = try await recorder.waitForSequence(
                    named: name, within: cluster.peerTimeout * 2 + .seconds(15),
                    "resolved, then a stale firing, then resolved again",
                    [
                        { $0.matches(.resolved, startsAt: startsAt) }, { $0.matches(.firing, startsAt: startsAt) },
                        { $0.matches(.resolved, startsAt: startsAt) },
                    ])
                let resolved = alerts[match[0]]
                let stale = alerts[match[1]]
                let again = alerts[match[2]]
                #expect(alerts.first?.matches(.firing, startsAt: startsAt) == true, "\(alerts.listing)")
                #expect(alerts.first?.sender == cluster.peers[0].url, "\(alerts.listing)")
                #expect(resolved.sender == cluster.peers[0].url, "\(alerts.listing)")
                #expect(resolved.endsAt == resolvedAt, "\(alerts.listing)")
                #expect(stale.sender == cluster.peers[1].url, "\(alerts.listing)")
                #expect(stale.endsAt == nil, "\(alerts.listing)")
                #expect(again.sender == cluster.peers[1].url, "\(alerts.listing)")
                #expect(again.endsAt == resolvedAt, "\(alerts.listing)")
                // The stale firing comes when peer 1's wait ends: one peer timeout after the flush at which peer 0 sent
                // the first firing (both peers flushed then). Measured from that flush, not from the resolve: a busy
                // machine can post the resolve seconds late (a fresh-clone run posted it 7 s late, 3 s before the end
                // of peer 1's wait), which moves the resolved notification but not peer 1's wait.
                let first = try #require(alerts.first, "\(alerts.listing)")
                #expect(
                    first.receivedAt.duration(until: stale.receivedAt) >= cluster.peerTimeout - .seconds(1),
                    "\(alerts.listing)")
                #expect(resolved.receivedAt < stale.receivedAt, "\(alerts.listing)")
                #expect(Set(alerts.map(\.fingerprint)).count == 1, "\(alerts.listing)")
                #expect(recorder.notifications.allSatisfy { $0.authorization == "Bearer harness-token-1" })
                print("HA stale firing, as received:\n\(alerts.listing)")
            }
        } catch {
            Issue.record("\(error)")
        }
        await recorder.shutdown()
    }

    /// Behaviour 2. Prometheus posts the alert with a short `endsAt` (its re-sends then stop: it cannot reach
    /// Alertmanager); Alertmanager resolves it at that `endsAt`. When the re-sends resume with the same `startsAt`,
    /// the alert is firing again with that same `startsAt`, repeated every `repeat_interval`, and nothing resolves it.
    @Test(
        "resolved by timeout, then firing again with the same startsAt, repeated, never resolved",
        .timeLimit(.minutes(1)))
    func resolvedByTimeoutThenFiringWithSameStart() async throws {
        guard Self.alertmanagerIsInstalled() else { return }
        let directory = try TemporaryDirectory(prefix: "am-harness-timeout")
        defer { directory.remove() }
        let recorder = try WebhookRecorder()
        let settings = AlertmanagerSettings(webhookURL: recorder.url)
        do {
            try await AlertmanagerProcess.run(settings: settings, in: directory) { alertmanager in
                let name = "ResolvedByTimeout"
                let startsAt = Timestamp.wallClock()
                let lastEndsAt = startsAt.adding(.seconds(3))
                let alert = PostedAlert.firing(name, startsAt: startsAt, endsAt: lastEndsAt)
                try await alertmanager.postAlerts([alert])
                let (first, _) = try await recorder.waitForSequence(
                    named: name, within: .seconds(20), "firing, then resolved by timeout",
                    [{ $0.matches(.firing, startsAt: startsAt) }, { $0.matches(.resolved, startsAt: startsAt) }])
                let resolvedIndex = first.firstIndex { $0.status == .resolved }!
                #expect(first[resolvedIndex].endsAt == lastEndsAt, "\(first.listing)")

                // Prometheus gets through again: the same alert, the same startsAt, endsAt in the future.
                try await alertmanager.postAlerts([
                    alert.withPeriod(startsAt: startsAt, endsAt: .wallClock(offsetBy: .seconds(120)))
                ])
                let (alerts, match) = try await recorder.waitForSequence(
                    named: name, within: settings.repeatInterval + .seconds(20),
                    "firing, resolved, firing again, then repeated",
                    [
                        { $0.matches(.firing, startsAt: startsAt) }, { $0.matches(.resolved, startsAt: startsAt) },
                        { $0.matches(.firing, startsAt: startsAt) }, { $0.matches(.firing, startsAt: startsAt) },
                    ])
                let afterResolved = alerts[(match[1] + 1)...]
                #expect(afterResolved.allSatisfy { $0.matches(.firing, startsAt: startsAt) }, "\(alerts.listing)")
                #expect(afterResolved.allSatisfy { $0.endsAt == nil }, "\(alerts.listing)")
                // Alertmanager repeats an unchanged notification only once repeat_interval has passed.
                let repeatGap = alerts[match[2]].receivedAt.duration(until: alerts[match[3]].receivedAt)
                #expect(repeatGap >= settings.repeatInterval - .milliseconds(500), "\(alerts.listing)")
                #expect(Set(alerts.map(\.fingerprint)).count == 1, "\(alerts.listing)")
                print("Resolved by timeout, then firing again, as received:\n\(alerts.listing)")
            }
        } catch {
            Issue.record("\(error)")
        }
        await recorder.shutdown()
    }

    /// Behaviour 3. Two Prometheus replicas evaluate the same rule; the one that saw the alert become active later
    /// (S1) posts first, then the other (S0 < S1). Alertmanager merges updates of one alert keeping the earliest
    /// `startsAt`: the firing set is unchanged (same fingerprint), so the next notification is the repeat, and it
    /// and the final `resolved` carry S0.
    @Test("two Prometheus replicas: firing S1, then firing S0 < S1, resolved with S0", .timeLimit(.minutes(1)))
    func startsAtMovesEarlier() async throws {
        guard Self.alertmanagerIsInstalled() else { return }
        let directory = try TemporaryDirectory(prefix: "am-harness-earlier")
        defer { directory.remove() }
        let recorder = try WebhookRecorder()
        let settings = AlertmanagerSettings(webhookURL: recorder.url)
        do {
            try await AlertmanagerProcess.run(settings: settings, in: directory) { alertmanager in
                let name = "StartsAtMovesEarlier"
                let later = Timestamp.wallClock()
                let earlier = later.adding(.seconds(-30))
                let replicaB = PostedAlert.firing(name, startsAt: later, endsAt: later.adding(.seconds(120)))
                let replicaA = replicaB.withPeriod(startsAt: earlier, endsAt: .wallClock(offsetBy: .seconds(120)))
                try await alertmanager.postAlerts([replicaB])
                try await recorder.waitForAlerts(named: name, within: .seconds(15), until: "firing with S1") {
                    $0.contains { $0.matches(.firing, startsAt: later) }
                }
                try await alertmanager.postAlerts([replicaA])
                try await alertmanager.postAlerts([
                    replicaB.withPeriod(startsAt: later, endsAt: .wallClock(offsetBy: .seconds(120)))
                ])
                try await recorder.waitForAlerts(
                    named: name, within: settings.repeatInterval + .seconds(15), until: "firing with S0"
                ) { $0.contains { $0.matches(.firing, startsAt: earlier) } }

                // Both replicas see the rule stop firing.
                let resolvedAt = Timestamp.wallClock()
                try await alertmanager.postAlerts([replicaB.resolved(at: resolvedAt)])
                try await alertmanager.postAlerts([replicaA.resolved(at: resolvedAt)])
                let (alerts, _) = try await recorder.waitForSequence(
                    named: name, within: .seconds(15), "firing S1, firing S0, resolved S0",
                    [
                        { $0.matches(.firing, startsAt: later) }, { $0.matches(.firing, startsAt: earlier) },
                        { $0.matches(.resolved, startsAt: earlier) },
                    ])
                #expect(!alerts.contains { $0.matches(.resolved, startsAt: later) }, "\(alerts.listing)")
                let firstEarlier = alerts.firstIndex { $0.startsAt == earlier }!
                #expect(alerts[firstEarlier...].allSatisfy { $0.startsAt == earlier }, "\(alerts.listing)")
                #expect(Set(alerts.map(\.fingerprint)).count == 1, "\(alerts.listing)")
                print("startsAt moving earlier, as received:\n\(alerts.listing)")
            }
        } catch {
            Issue.record("\(error)")
        }
        await recorder.shutdown()
    }

    /// The generated configuration (receiver with a mirror URL and bearer credentials, the route's timing) is one
    /// Alertmanager accepts as written.
    @Test("the generated configuration passes amtool check-config", .timeLimit(.minutes(1)))
    func generatedConfigurationIsValid() throws {
        let amtool = "/usr/bin/amtool"
        guard FileManager.default.isExecutableFile(atPath: amtool) else {
            Issue.record("\(amtool) is missing: `make test` installs the prometheus-alertmanager package")
            return
        }
        let directory = try TemporaryDirectory(prefix: "am-harness-config")
        defer { directory.remove() }
        try directory.write("token", "t\n")
        let settings = AlertmanagerSettings(
            webhookURL: "http://127.0.0.1:1/webhook", mirrorWebhookURLs: ["http://127.0.0.1:2/webhook"],
            bearerCredentialsFile: directory.file("token"), groupBy: ["alertname", "region"],
            groupInterval: .milliseconds(1500))
        let path = try directory.write("alertmanager.yml", settings.configurationText)
        let (status, output) = try ShellCommand.runBlocking("\(amtool) check-config '\(path)'")
        #expect(status == 0, "\(output)\n\(settings.configurationText)")
        #expect(output.contains("1 receivers"), "\(output)")
        #expect(settings.configurationText.contains("group_interval: 1500ms"))
        #expect(settings.configurationText.components(separatedBy: "credentials_file:").count == 3)
    }

    /// A peer's position is its name's rank among the members' names, as Alertmanager computes it.
    @Test("peer position and webhook counters are read as Alertmanager reports them", .timeLimit(.minutes(1)))
    func peerPositionAndCounters() {
        let status = AlertmanagerPeerStatus(
            statusJSON: [
                "cluster": [
                    "name": "01B", "status": "ready",
                    "peers": [["name": "01C", "address": "a"], ["name": "01A", "address": "b"], ["name": "01B"]],
                ]
            ])
        #expect(status?.position == 1)
        #expect(status?.clusterStatus == "ready")
        let counts = AlertmanagerNotificationCounts(
            metricsText: """
                # TYPE alertmanager_notifications_total counter
                alertmanager_notifications_total{integration="email"} 9
                alertmanager_notifications_total{integration="webhook"} 4
                alertmanager_notification_requests_total{integration="webhook"} 5
                alertmanager_notification_requests_failed_total{integration="webhook",reason="other"} 1
                alertmanager_notification_requests_failed_total{integration="webhook",reason="clientError"} 2
                """)
        #expect(
            counts
                == AlertmanagerNotificationCounts(
                    notifications: 4, failedNotifications: 0, requests: 5, failedRequests: 3))
    }

    static let alertmanager = "/usr/bin/prometheus-alertmanager"

    /// Records an issue and returns `false` when Debian's Alertmanager is missing (`make test` installs it).
    static func alertmanagerIsInstalled() -> Bool {
        guard FileManager.default.isExecutableFile(atPath: alertmanager) else {
            Issue.record("\(alertmanager) is missing: `make test` installs the prometheus-alertmanager package")
            return false
        }
        return true
    }
}
