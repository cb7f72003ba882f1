import FailoverCore
import FailoverTestSupport
import Foundation
import Testing

/// The three firing-period behaviours of a real Alertmanager (see ``AlertmanagerHarnessTests``), delivered to a
/// real `failoverd serve`: one firing period is one episode, whatever Alertmanager repeats, reorders or re-sends.
///
/// Alertmanager sends to failoverd and, as a second integration of the same receiver, to a ``WebhookRecorder``:
/// both see the same flushes, so the recorder shows what failoverd was sent. The contract under test:
/// - a `firing` for a resolved period with `startsAt` not after its `endsAt` is `reopen_pending` (the episode
///   stays resolved); a `resolved` within `ingest.reopen_window` cancels it (`episode.reopen_cancelled`);
///   otherwise the same episode reopens when the window ends (`episode.reopened`, actor `engine`);
/// - a `firing` with another `startsAt` while the period fires is `duplicate_firing`; the episode keeps the
///   earliest `startsAt`;
/// - a `resolved` whose `endsAt` lies before the period's `startsAt` is `stale_resolved` and closes nothing.
@Suite("Real Alertmanager → failoverd: one firing period, one episode", .serialized)
struct FiringPeriodBehaviourTests {
    /// Behaviour 1: the stale `firing` from the peer that was mid-flush comes about 11 s after the resolution and
    /// is followed one peer timeout later (15 s, measured 15.003 s here) by that peer's `resolved`. A reopen window
    /// of 40 s lets failoverd see the `resolved` and cancel with 25 s to spare: a 20 s window failed once in CI,
    /// where a loaded 2-core machine delays Alertmanager's flushes by seconds. A failure prints failoverd's audit
    /// of the fingerprint beside what the recorder received, so the next one says which side moved.
    @Test(
        "HA stale firing: reopen cancelled by the peer's resolved, the episode stays resolved",
        .timeLimit(.minutes(3)))
    func staleFiringFromPeerIsCancelled() async throws {
        guard AlertmanagerHarnessTests.alertmanagerIsInstalled() else { return }
        let reopenWindow = Duration.seconds(40)
        let directory = try TemporaryDirectory(prefix: "periods-ha")
        defer { directory.remove() }
        let recorder = try WebhookRecorder()
        let failoverd = try await Self.startFailoverd(in: directory, reopenWindow: reopenWindow)
        let settings = AlertmanagerSettings(
            webhookURL: "http://127.0.0.1:\(failoverd.port)/webhook", mirrorWebhookURLs: [recorder.url])
        do {
            try await AlertmanagerCluster.run(peerCount: 2, settings: settings, in: directory) { cluster in
                let name = "PeriodHAStaleFiring"
                let startsAt = Timestamp.wallClock()
                let alert = PostedAlert.firing(name, startsAt: startsAt, endsAt: startsAt.adding(.seconds(120)))
                let posted = ContinuousClock.now
                try await cluster.postAlerts([alert], toPeer: nil)
                let opened = try await recorder.waitForAlerts(named: name, within: .seconds(15), until: "firing") {
                    $0.contains { $0.matches(.firing, startsAt: startsAt) }
                }
                let fingerprint = opened[0].fingerprint
                let episode = try await Self.waitForEpisode(failoverd, fingerprint, "firing", within: .seconds(10))

                // Scenario timing: resolve inside peer 1's first wait (see AlertmanagerHarnessTests).
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
                let staleArrival = alerts[match[1]].receivedAt

                let cancelled: [[String: Any]]
                do {
                    cancelled = try await Self.waitForAuditEvents(
                        failoverd, type: "episode.reopen_cancelled", fingerprint: fingerprint, within: .seconds(10))
                } catch {
                    let timeline = await Self.auditTimeline(failoverd, fingerprint: fingerprint)
                    let lag = staleArrival.duration(until: alerts[match[2]].receivedAt)
                    throw EndToEndError(
                        "\(error)\nthe peer's resolved came \(lag) after its stale firing (window \(reopenWindow))"
                            + "\nfailoverd's audit of \(fingerprint):\n\(timeline)\nthe recorder received:\n"
                            + alerts.listing)
                }
                #expect(cancelled.first?["episode"] as? Int == episode.id)

                // Only once the window that the stale firing opened is over can "never reopened" be checked.
                try await Self.sleep(untilWallClock: staleArrival.adding(reopenWindow + .seconds(2)))
                let episodes = try await Self.episodes(failoverd, fingerprint: fingerprint)
                #expect(episodes.count == 1, "\(episodes)")
                #expect(episodes.first?.id == episode.id)
                #expect(episodes.first?.state == "resolved", "\(episodes)")
                let reopened = try await Self.auditEvents(failoverd, type: "episode.reopened", fingerprint: fingerprint)
                #expect(reopened.isEmpty, "\(reopened)")
                try await Self.expectEveryWebhookAccepted(failoverd, recorder, cluster)
            }
        } catch {
            Issue.record("\(error)\n--- failoverd ---\n\(failoverd.process.output.suffix(4000))")
        }
        await failoverd.process.stop()
        await recorder.shutdown()
    }

    /// Behaviour 2: after Alertmanager resolved the alert by timeout, the same alert comes back with the same
    /// `startsAt` and nothing resolves it. With `repeat_interval` at an hour no further notification follows the
    /// renewed firing, so the reopening when the 5 s window ends is failoverd's own doing.
    @Test(
        "resolved by timeout, then firing with the same startsAt: the same episode reopens after the window",
        .timeLimit(.minutes(1)))
    func firingAfterTimeoutReopensTheEpisode() async throws {
        guard AlertmanagerHarnessTests.alertmanagerIsInstalled() else { return }
        let reopenWindow = Duration.seconds(5)
        let directory = try TemporaryDirectory(prefix: "periods-timeout")
        defer { directory.remove() }
        let recorder = try WebhookRecorder()
        let failoverd = try await Self.startFailoverd(in: directory, reopenWindow: reopenWindow)
        let settings = AlertmanagerSettings(
            webhookURL: "http://127.0.0.1:\(failoverd.port)/webhook", mirrorWebhookURLs: [recorder.url],
            repeatInterval: .seconds(3600))
        do {
            try await AlertmanagerCluster.run(peerCount: 1, settings: settings, in: directory) { alertmanager in
                let name = "PeriodResolvedByTimeout"
                let startsAt = Timestamp.wallClock()
                let alert = PostedAlert.firing(name, startsAt: startsAt, endsAt: startsAt.adding(.seconds(3)))
                try await alertmanager.postAlerts([alert])
                let (first, _) = try await recorder.waitForSequence(
                    named: name, within: .seconds(20), "firing, then resolved by timeout",
                    [{ $0.matches(.firing, startsAt: startsAt) }, { $0.matches(.resolved, startsAt: startsAt) }])
                let fingerprint = first[0].fingerprint
                let episode = try await Self.waitForEpisode(failoverd, fingerprint, "resolved", within: .seconds(10))

                try await alertmanager.postAlerts([
                    alert.withPeriod(startsAt: startsAt, endsAt: .wallClock(offsetBy: .seconds(120)))
                ])
                let (alerts, match) = try await recorder.waitForSequence(
                    named: name, within: .seconds(15), "firing, resolved, firing again",
                    [
                        { $0.matches(.firing, startsAt: startsAt) }, { $0.matches(.resolved, startsAt: startsAt) },
                        { $0.matches(.firing, startsAt: startsAt) },
                    ])
                let renewedArrival = alerts[match[2]].receivedAt
                let notificationsSent = recorder.notifications.count

                // While the window runs the episode stays resolved (checked only if this look is inside it).
                let lookedAt = Timestamp.wallClock()
                let pending = try await Self.episodes(failoverd, fingerprint: fingerprint)
                if renewedArrival.duration(until: lookedAt) < reopenWindow - .seconds(1) {
                    #expect(pending.first?.state == "resolved", "\(pending)")
                }

                let reopened = try await Self.waitForEpisode(
                    failoverd, fingerprint, "firing", within: reopenWindow + .seconds(10))
                #expect(reopened.id == episode.id)
                let events = try await Self.waitForAuditEvents(
                    failoverd, type: "episode.reopened", fingerprint: fingerprint, within: .seconds(5))
                #expect(events.count == 1, "\(events)")
                #expect(events.first?["actor"] as? String == "engine", "\(events)")
                #expect(events.first?["episode"] as? Int == episode.id, "\(events)")
                if let time = (events.first?["time"] as? String).flatMap({ Timestamp(rfc3339: $0) }) {
                    #expect(
                        renewedArrival.duration(until: time) >= reopenWindow - .seconds(1),
                        "reopened at \(time), the renewed firing arrived at \(renewedArrival)")
                }
                // The reopening needed no further notification.
                #expect(recorder.notifications.count == notificationsSent, "\(recorder.alerts(named: name).listing)")
                let episodes = try await Self.episodes(failoverd, fingerprint: fingerprint)
                #expect(episodes.count == 1, "\(episodes)")
                #expect(episodes.first.map { Timestamp(rfc3339: $0.startsAt) } == startsAt, "\(episodes)")
                try await Self.expectEveryWebhookAccepted(failoverd, recorder, alertmanager)
            }
        } catch {
            Issue.record("\(error)\n--- failoverd ---\n\(failoverd.process.output.suffix(4000))")
        }
        await failoverd.process.stop()
        await recorder.shutdown()
    }

    /// Behaviour 3: the second Prometheus replica's earlier `startsAt` reaches failoverd with Alertmanager's
    /// repeat; it belongs to the firing period already open, which takes the earlier start, and the `resolved`
    /// (carrying S0) closes it.
    @Test("startsAt moves earlier: one episode, its startsAt becomes S0, it resolves", .timeLimit(.minutes(1)))
    func earlierStartJoinsTheFiringEpisode() async throws {
        guard AlertmanagerHarnessTests.alertmanagerIsInstalled() else { return }
        let directory = try TemporaryDirectory(prefix: "periods-earlier")
        defer { directory.remove() }
        let recorder = try WebhookRecorder()
        let failoverd = try await Self.startFailoverd(in: directory, reopenWindow: .seconds(5))
        let settings = AlertmanagerSettings(
            webhookURL: "http://127.0.0.1:\(failoverd.port)/webhook", mirrorWebhookURLs: [recorder.url])
        do {
            try await AlertmanagerCluster.run(peerCount: 1, settings: settings, in: directory) { alertmanager in
                let name = "PeriodStartsEarlier"
                let later = Timestamp.wallClock()
                let earlier = later.adding(.seconds(-30))
                let replicaB = PostedAlert.firing(name, startsAt: later, endsAt: later.adding(.seconds(120)))
                let replicaA = replicaB.withPeriod(startsAt: earlier, endsAt: .wallClock(offsetBy: .seconds(120)))
                try await alertmanager.postAlerts([replicaB])
                let first = try await recorder.waitForAlerts(named: name, within: .seconds(15), until: "firing S1") {
                    $0.contains { $0.matches(.firing, startsAt: later) }
                }
                let fingerprint = first[0].fingerprint
                let episode = try await Self.waitForEpisode(failoverd, fingerprint, "firing", within: .seconds(10))
                #expect(Timestamp(rfc3339: episode.startsAt) == later, "\(episode)")

                try await alertmanager.postAlerts([replicaA])
                try await alertmanager.postAlerts([
                    replicaB.withPeriod(startsAt: later, endsAt: .wallClock(offsetBy: .seconds(120)))
                ])
                try await recorder.waitForAlerts(
                    named: name, within: settings.repeatInterval + .seconds(15), until: "firing with S0"
                ) { $0.contains { $0.matches(.firing, startsAt: earlier) } }
                let moved = try await Self.waitFor("the episode's startsAt to become S0", within: .seconds(10)) {
                    let episodes = try await Self.episodes(failoverd, fingerprint: fingerprint)
                    return episodes.first { Timestamp(rfc3339: $0.startsAt) == earlier }.map { _ in episodes }
                }
                #expect(moved.count == 1, "\(moved)")
                #expect(moved.first?.id == episode.id, "\(moved)")
                #expect(moved.first?.state == "firing", "\(moved)")

                let resolvedAt = Timestamp.wallClock()
                try await alertmanager.postAlerts([replicaB.resolved(at: resolvedAt)])
                try await alertmanager.postAlerts([replicaA.resolved(at: resolvedAt)])
                try await recorder.waitForAlerts(named: name, within: .seconds(15), until: "resolved with S0") {
                    $0.contains { $0.matches(.resolved, startsAt: earlier) }
                }
                let resolved = try await Self.waitForEpisode(failoverd, fingerprint, "resolved", within: .seconds(10))
                #expect(resolved.id == episode.id)
                #expect(Timestamp(rfc3339: resolved.startsAt) == earlier, "\(resolved)")
                let episodes = try await Self.episodes(failoverd, fingerprint: fingerprint)
                #expect(episodes.count == 1, "\(episodes)")
                try await Self.expectEveryWebhookAccepted(failoverd, recorder, alertmanager)
            }
        } catch {
            Issue.record("\(error)\n--- failoverd ---\n\(failoverd.process.output.suffix(4000))")
        }
        await failoverd.process.stop()
        await recorder.shutdown()
    }
}

extension FiringPeriodBehaviourTests {
    /// The fields of an episode (`GET /api/v1/episodes`) these tests look at.
    struct EpisodeView: Sendable, CustomStringConvertible {
        var id: Int
        var state: String
        var startsAt: String
        var endsAt: String?

        init?(_ object: [String: Any]) {
            guard let id = object["id"] as? Int, let state = object["state"] as? String,
                let startsAt = object["startsAt"] as? String
            else { return nil }
            self.id = id
            self.state = state
            self.startsAt = startsAt
            endsAt = object["endsAt"] as? String
        }

        var description: String { "episode \(id) \(state) startsAt=\(startsAt) endsAt=\(endsAt ?? "-")" }
    }

    /// `failoverd serve` with `ingest.reopen_window` set, webhook and reads open.
    static func startFailoverd(in directory: TemporaryDirectory, reopenWindow: Duration) async throws -> ServeProcess {
        let config = try directory.write(
            "failoverd.yml",
            """
            ingest:
              reopen_window: \(AlertmanagerSettings.goDuration(reopenWindow))
            """)
        return try await ServeProcess(directory: directory, extraArguments: ["--config.file", config])
    }

    /// Every episode of the fingerprint, newest first as the API lists them.
    static func episodes(_ failoverd: ServeProcess, fingerprint: String) async throws -> [EpisodeView] {
        let response = try await TestHTTP.send(
            port: failoverd.port, "GET", "/api/v1/episodes?fingerprint=\(fingerprint)")
        guard response.status == 200 else {
            throw EndToEndError("GET /api/v1/episodes answered \(response.status): \(response.text)")
        }
        let objects = try response.json()["episodes"] as? [[String: Any]] ?? []
        return objects.compactMap(EpisodeView.init)
    }

    /// Waits until the fingerprint's only (or newest) episode is in `state`.
    static func waitForEpisode(
        _ failoverd: ServeProcess, _ fingerprint: String, _ state: String, within timeout: Duration
    ) async throws -> EpisodeView {
        try await waitFor("an episode of \(fingerprint) in state \(state)", within: timeout) {
            try await episodes(failoverd, fingerprint: fingerprint).first { $0.state == state }
        }
    }

    /// The audit events about the fingerprint (`GET /api/v1/audit`), newest first, of `type` if given; an unknown
    /// type is an error.
    static func auditEvents(
        _ failoverd: ServeProcess, type: String? = nil, fingerprint: String
    ) async throws -> [[String: Any]] {
        let filter = type.map { "type=\($0)&" } ?? ""
        let response = try await TestHTTP.send(
            port: failoverd.port, "GET", "/api/v1/audit?\(filter)fingerprint=\(fingerprint)&limit=1000")
        guard response.status == 200 else {
            throw EndToEndError("GET /api/v1/audit?\(filter) answered \(response.status): \(response.text)")
        }
        return try response.json()["events"] as? [[String: Any]] ?? []
    }

    /// Every audit event about the fingerprint, oldest first, a line each (`time type`): what a failure prints.
    static func auditTimeline(_ failoverd: ServeProcess, fingerprint: String) async -> String {
        do {
            return try await auditEvents(failoverd, fingerprint: fingerprint).reversed()
                .map { "\($0["time"] as? String ?? "?") \($0["type"] as? String ?? "?")" }.joined(separator: "\n")
        } catch {
            return "cannot read: \(error)"
        }
    }

    /// Waits until at least one audit event of `type` about the fingerprint exists.
    static func waitForAuditEvents(
        _ failoverd: ServeProcess, type: String, fingerprint: String, within timeout: Duration
    ) async throws -> [[String: Any]] {
        try await waitFor("an audit event \(type) for \(fingerprint)", within: timeout) {
            let events = try await auditEvents(failoverd, type: type, fingerprint: fingerprint)
            return events.isEmpty ? nil : events
        }
    }

    /// Polls `probe` until it returns a value; throws after `timeout`.
    static func waitFor<Value>(
        _ what: String, within timeout: Duration, _ probe: () async throws -> Value?
    ) async throws -> Value {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let value = try await probe() { return value }
            guard ContinuousClock.now < deadline else { throw EndToEndError("waited \(timeout) in vain for \(what)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Sleeps until the wall clock reaches `instant` (at once if it has).
    static func sleep(untilWallClock instant: Timestamp) async throws {
        let remaining = Timestamp.wallClock().duration(until: instant)
        if remaining > .zero { try await Task.sleep(for: remaining) }
    }

    /// Every webhook Alertmanager sent failoverd was answered 2xx: no peer counts a failed webhook request, and
    /// failoverd stored and counted as accepted as many deliveries as the recorder beside it received.
    static func expectEveryWebhookAccepted(
        _ failoverd: ServeProcess, _ recorder: WebhookRecorder, _ alertmanagers: AlertmanagerCluster
    ) async throws {
        for (position, counts) in try await alertmanagers.notificationCounts().enumerated() {
            #expect(counts.failedRequests == 0, "peer \(position): \(counts)")
        }
        let (received, accepted) = try await waitFor(
            "failoverd's deliveries to match the recorder's", within: .seconds(10)
        ) { () async throws -> (Int, Int)? in
            let received = recorder.notifications.count
            let response = try await TestHTTP.send(port: failoverd.port, "GET", "/api/v1/deliveries?limit=1000")
            let count = (try response.json()["deliveries"] as? [[String: Any]])?.count ?? -1
            return count == received ? (received, try await acceptedWebhooks(failoverd)) : nil
        }
        #expect(received > 0)
        #expect(accepted == received)
    }

    /// `failoverd_webhook_requests_total{outcome="accepted"}` from failoverd's `/metrics`.
    static func acceptedWebhooks(_ failoverd: ServeProcess) async throws -> Int {
        let text = try await TestHTTP.send(port: failoverd.port, "GET", "/metrics").text
        let series = text.split(separator: "\n").first {
            $0.hasPrefix("failoverd_webhook_requests_total{") && $0.contains("outcome=\"accepted\"")
        }
        return series.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) } ?? 0
    }
}
