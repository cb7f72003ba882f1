import FailoverCore
import FailoverTestSupport
import Foundation

/// Prints what happens as it happens: new audit events of failoverd and the alert's state at Prometheus, each on
/// one line with the seconds since the demo began; at the end the story and the timing.
final class DemoNarrator: @unchecked Sendable {
    let world: DemoWorld
    private let began = Date()
    private var printedEvents: Int64 = 0
    private var alertState = "inactive"
    /// When Prometheus first reported the alert firing.
    private(set) var firingAtPrometheus: Date?
    private let timestamps: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()

    init(world: DemoWorld) {
        self.world = world
    }

    var client: FailoverdOperatorClient { FailoverdOperatorClient(port: world.failoverdPort) }

    /// Prints one line stamped with `time`.
    func say(_ text: String, at time: Date = Date()) {
        print(String(format: "[+%6.2fs] ", time.timeIntervalSince(began)) + text)
    }

    /// Prints what happens until `condition` holds; fails after `within`.
    func follow(until what: String, within limit: Duration, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while ContinuousClock.now < deadline {
            guard world.failoverd?.isRunning == true, world.prometheus?.isRunning == true else {
                throw DemoError("a process exited while waiting until \(what)")
            }
            await pollPrometheus()
            try? await printNewEvents()
            if try await condition() {
                try? await printNewEvents()
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw DemoError("timed out waiting until \(what)")
    }

    /// Whether an execution of `kind` has ended.
    func executionEnded(kind: String) async throws -> Bool {
        try await client.executions().contains {
            $0.kind == kind && ["succeeded", "failed", "cancelled"].contains($0.state)
        }
    }

    private func pollPrometheus() async {
        guard
            let response = try? await TestHTTP.send(port: world.prometheusPort, "GET", "/api/v1/alerts"),
            let data = try? response.json()["data"] as? [String: Any],
            let alerts = data["alerts"] as? [[String: Any]]
        else { return }
        let alert = alerts.first { ($0["labels"] as? [String: String])?["alertname"] == "PrimaryRegionUnhealthy" }
        let state = alert?["state"] as? String ?? "inactive"
        guard state != alertState else { return }
        alertState = state
        switch state {
        case "pending": say("Prometheus: PrimaryRegionUnhealthy{region=\"us-east\"} pending (for: 2s)")
        case "firing":
            firingAtPrometheus = firingAtPrometheus ?? Date()
            say("Prometheus: PrimaryRegionUnhealthy firing, sent to Alertmanager (group_wait 1s)")
        default: say("Prometheus: PrimaryRegionUnhealthy resolved")
        }
    }

    private func printNewEvents() async throws {
        for event in try await client.auditTrail() where event.id > printedEvents {
            printedEvents = event.id
            guard !Self.quietInLiveView.contains(event.type), let line = Self.describe(event) else { continue }
            say("failoverd: " + line, at: timestamps.date(from: event.time) ?? Date())
        }
    }

    /// Events the live view leaves out; the story at the end has them.
    static let quietInLiveView: Set<String> = [
        "service.started", "config.loaded", "runbook.step_started", "episode.duplicate",
    ]

    /// One line for an event.
    static func describe(_ event: AuditRecordSnapshot) -> String? {
        switch event.type {
        case "webhook.received":
            let transitions = event.alertTransitions.joined(separator: ", ")
            return "webhook from Alertmanager: \(transitions.isEmpty ? "no alerts" : transitions)"
        case "episode.opened", "episode.resolved": return "\(event.type) #\(event.episode ?? 0)"
        case "episode.duplicate": return "a repeat of a firing episode: nothing to do"
        case "incident.opened", "incident.closed": return "\(event.type) \(event.string("key") ?? "")"
        case "runbook.scheduled":
            return "\(event.string("kind") ?? "execution") scheduled (execution \(event.execution ?? 0))"
        case "runbook.started":
            return "execution \(event.execution ?? 0) started, claimed with fence \(event.integer("fence") ?? 0)"
        case "runbook.step_started": return "  step \(event.string("step") ?? "?") started"
        case "runbook.step_finished":
            return "  step \(event.string("step") ?? "?") \(event.string("state") ?? ""): \(stepSummary(event))"
        case "runbook.state_changed":
            return "key \(event.string("key") ?? ""): \(event.string("from") ?? "?") → \(event.string("to") ?? "?")"
        case "service.started": return "service started"
        case "config.loaded": return "configuration loaded (sha256 \(event.string("sha256")?.prefix(12) ?? ""))"
        default: return "\(event.type) \(event.outcome)"
        }
    }

    static func stepSummary(_ event: AuditRecordSnapshot) -> String {
        var text = event.string("summary") ?? ""
        if case .array(let before) = event.detail["before"], case .array(let after) = event.detail["after"] {
            let render = { (values: [AuditValue]) in values.compactMap(\.stringValue).joined(separator: ", ") }
            text += "  [\(render(before)) → \(render(after))]"
        }
        return text
    }

    /// The records at both fakes now.
    func printDNS() {
        let linode = world.linode.targets(zone: "example.com", name: "app").joined(separator: ", ")
        let digitalOcean = world.digitalOcean.targets(zone: "example.org", name: "app").joined(separator: ", ")
        say("DNS now: Linode example.com app A \(linode) · DigitalOcean example.org app A \(digitalOcean)")
    }

    /// The whole audit trail of the run, oldest first, and whether its hash chain verifies.
    func printStory() async throws {
        print("\nThe audit trail (GET /api/v1/audit), oldest first:")
        for event in try await client.auditTrail() {
            let subject = [
                event.execution.map { "execution \($0)" }, event.episode.map { "episode \($0)" },
            ].compactMap { $0 }.joined(separator: ", ")
            let line = Self.describe(event) ?? event.type
            let by = event.actor == "engine" ? "" : " (by \(event.actor))"
            print(
                "  #\(event.id) \(event.time.dropFirst(11))  \(event.type)  \(subject.isEmpty ? "" : subject + ": ")\(line)\(by)"
            )
        }
        let verification = try await client.verifyAudit()
        print("hash chain: \(verification.result)")
    }

    /// Where the time from the outage to the DNS switch went.
    func printTiming(primaryDown down: Date) async throws {
        let trail = try await client.auditTrail()
        let failover = try await client.executions().first { $0.kind == "failover" }
        let webhook = trail.first { $0.type == "webhook.received" && $0.alertTransitions.contains("opened") }
        let dnsDone = trail.filter { $0.type == "runbook.step_finished" && $0.execution == failover?.id }
            .filter { $0.detail["before"] != nil }.compactMap { timestamps.date(from: $0.time) }.max()
        guard let webhook, let received = timestamps.date(from: webhook.time), let dnsDone else {
            throw DemoError("the audit trail lacks the webhook or the DNS steps")
        }
        func seconds(_ from: Date, _ to: Date) -> String { String(format: "%.2f s", to.timeIntervalSince(from)) }
        print("\nFrom \"primary down\" to \"DNS switched at both providers\": \(seconds(down, dnsDone))")
        if let firing = firingAtPrometheus {
            print("  Prometheus (scrapes fail, for: 2s):         \(seconds(down, firing))")
            print("  Alertmanager (group_wait 1s) to the webhook: \(seconds(firing, received))")
        } else {
            print("  Prometheus and Alertmanager:                 \(seconds(down, received))")
        }
        print("  failoverd (webhook 200 → both DNS written):  \(seconds(received, dnsDone))")
    }
}
