import FailoverCore
import FailoverEngine
import FailoverStore
import FailoverTestSupport
import Foundation
import GRDB
import Logging
import Synchronization

/// A real SQLite store, writer, ledger and engine in a temporary directory, with in-memory DNS, HTTP and process
/// fakes; webhooks go straight to the writer.
final class EngineFixture: Sendable {
    let directory: TemporaryDirectory
    let store: StateStore
    let writer: IngestWriter
    let ledger: RunbookLedger
    let engine: RunbookEngine
    let policy: RunbookPolicy
    let dns: FakeRecordSets
    let http: FakeStepHTTP
    let processes: FakeProcesses
    let logs: InMemoryLogHandler.Store

    init(
        runbooks: [RunbookDefinition], reopenWindow: Duration = .seconds(60), dryRun: Bool = false,
        lease: Duration = .seconds(30), workers: Int = 4, owner: String = "test-owner", start: Bool = true,
        directory existing: TemporaryDirectory? = nil
    ) throws {
        directory = try existing ?? TemporaryDirectory()
        let (logger, logs) = InMemoryLogHandler.logger()
        self.logs = logs
        store = try StateStore(path: directory.file("state/failoverd.db"), logger: logger)
        policy = RunbookPolicy(
            RunbookPolicy.Settings(catalog: RunbookCatalog(runbooks), reopenWindow: reopenWindow, dryRun: dryRun))
        let wakeup = Wakeup()
        writer = IngestWriter(store: store, logger: logger, policy: policy, onScheduled: { wakeup.wake() })
        ledger = RunbookLedger(writer: writer, store: store)
        dns = FakeRecordSets()
        http = FakeStepHTTP()
        processes = FakeProcesses()
        let policy = policy
        engine = RunbookEngine(
            configuration: EngineConfiguration(
                owner: owner, workers: workers, lease: lease, pollInterval: .milliseconds(100)),
            ledger: ledger, definition: policy.definition(named:digest:), dns: dns, http: http, processes: processes,
            logger: logger)
        wakeup.set(engine)
        if start { engine.start() }
    }

    /// Stops the engine and the writer, closes the store; with `keepFiles`, the directory stays (for a restart).
    func stop(keepFiles: Bool = false) async {
        await engine.shutdown(gracePeriod: .seconds(5))
        writer.shutdown()
        store.close()
        if !keepFiles { directory.remove() }
    }

    /// Posts one notification of alerts to the writer, as the webhook would; returns the receipt.
    @discardableResult
    func post(_ alerts: [WebhookAlert], at milliseconds: Int64? = nil) async throws -> IngestReceipt {
        let webhook = AlertmanagerWebhook(
            receiver: "failoverd", status: alerts.contains { $0.status == .firing } ? .firing : .resolved,
            alerts: alerts, groupKey: "{}:{alertname=\"PrimaryRegionUnhealthy\"}")
        let delivery = PreparedDelivery(
            webhook: webhook, body: Data("{}".utf8), bodySHA256: String(repeating: "0", count: 64),
            receivedAtMilliseconds: milliseconds ?? Self.now(), remoteAddress: "127.0.0.1", authenticatedAs: nil)
        return try await writer.submit(delivery).get()
    }

    func post(_ alert: WebhookAlert) async throws { try await post([alert]) }

    /// Reads the database on its own connection.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try ExternalConnection.open(store.path).read(body)
    }

    func executions() throws -> [Row] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM executions ORDER BY id") }
    }

    func phase(_ runbook: String, _ key: IncidentKey) throws -> String? {
        try read { db in
            try String.fetchOne(
                db, sql: "SELECT phase FROM runbook_keys WHERE runbook = ? AND key = ?", arguments: [runbook, key.text])
        }
    }

    func auditTypes() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT type FROM audit_events ORDER BY id") }
    }

    /// Polls `condition` until it holds or `timeout` passes.
    func waitUntil(
        _ what: String, timeout: Duration = .seconds(20), _ condition: () throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw FixtureError(
            "timed out waiting until \(what)\n"
                + logs.all.suffix(30).map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n"))
    }

    /// Waits until no execution is scheduled or running.
    func waitUntilIdle(timeout: Duration = .seconds(20)) async throws {
        try await waitUntil("every execution ended", timeout: timeout) {
            try read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM executions WHERE state IN ('scheduled', 'running')")
                    == 0
            }
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The writer's wake-up hint for the engine. Weak, as the service's: the engine holds the ledger, which holds
    /// the writer, which holds this; a strong reference kept every fixture's parts (and its running engine) alive
    /// after the test, and LeakSanitizer reported them.
    final class Wakeup: Sendable {
        private struct Target { weak var engine: RunbookEngine? }
        private let target = Mutex(Target())
        func wake() { target.withLock { $0.engine }?.wake() }
        func set(_ engine: RunbookEngine) { target.withLock { $0.engine = engine } }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Alerts and runbooks for engine tests.
enum Scenario {
    static let region = IncidentKey([("region", "us-east")])

    static func alert(
        _ status: AlertStatus, fingerprint: String = "7f3afce3415c4ace", region: String = "us-east",
        instance: String = "10.0.0.1:8080", startsAt: Timestamp = Timestamp(milliseconds: EngineFixture.now() - 60_000),
        endsAt: Timestamp? = nil
    ) -> WebhookAlert {
        WebhookAlert(
            status: status,
            labels: ["alertname": "PrimaryRegionUnhealthy", "region": region, "instance": instance],
            annotations: ["summary": "down"], startsAt: startsAt,
            endsAt: status == .resolved ? (endsAt ?? Timestamp(milliseconds: EngineFixture.now())) : nil,
            generatorURL: "http://prometheus:9090/graph", fingerprint: fingerprint)
    }

    static func dns(_ provider: String = "linode-main", name: String = "app", target: String) -> RunbookStep {
        RunbookStep(
            .dns(
                DNSStepSpecification(
                    provider: provider, zone: "example.com", name: name, type: .a, targets: [target], ttl: 30)))
    }

    static func runbook(
        _ name: String = "failover-us-east", steps: [RunbookStep]? = nil, failback: FailbackPolicy? = nil,
        minFiring: Duration = .zero, budget: ExecutionBudget? = nil, dryRun: Bool = false
    ) -> RunbookDefinition {
        RunbookDefinition(
            name: name,
            matchers: AlertMatcherSet([
                try! AlertMatcher(parsing: #"alertname="PrimaryRegionUnhealthy""#),
                try! AlertMatcher(parsing: #"region="us-east""#),
            ]),
            keyLabels: ["region"], minFiring: minFiring, steps: steps ?? [dns(target: "198.51.100.5")],
            failback: failback
                ?? FailbackPolicy(mode: .auto, hold: .milliseconds(300), steps: [dns(target: "192.0.2.1")]),
            maxExecutions: budget, dryRun: dryRun)
    }
}

/// DNS record sets in memory, one per (provider, name); counts writes; can fail on demand.
final class FakeRecordSets: DNSProviderDirectory, Sendable {
    struct State {
        var records: [String: [String]] = [:]
        var writes: [String] = []
        var failNext: [String: Int] = [:]
        var delay: Duration = .zero
        var gate: [String: Bool] = [:]
        var inFlight = 0
        var mostInFlight = 0
    }
    let state = Mutex(State())

    func provider(named name: String) -> (any DNSRecordSetting)? {
        name == "unknown" ? nil : Account(name: name, sets: self)
    }

    func targets(_ provider: String, _ name: String = "app") -> [String] {
        state.withLock { $0.records["\(provider)/\(name)"] ?? [] }
    }

    var writes: [String] { state.withLock { $0.writes } }

    struct Account: DNSRecordSetting {
        let name: String
        let sets: FakeRecordSets

        func setRecords(
            zone: String, name record: String, type: DNSRecordType, targets: [String], ttl: Int, dryRun: Bool
        ) async -> DNSStepOutcome {
            let key = "\(name)/\(record)"
            let delay = sets.state.withLock { state in
                state.inFlight += 1
                state.mostInFlight = max(state.mostInFlight, state.inFlight)
                return state.delay
            }
            if delay > .zero { try? await Task.sleep(for: delay) }
            while sets.state.withLock({ $0.gate[key] ?? false }) { try? await Task.sleep(for: .milliseconds(10)) }
            return sets.state.withLock { state in
                state.inFlight -= 1
                let before = state.records[key] ?? []
                if let failures = state.failNext[key], failures > 0 {
                    state.failNext[key] = failures - 1
                    return DNSStepOutcome(
                        succeeded: false, summary: "\(name): 503 from the provider", before: before, after: [],
                        planned: [], applied: [], noChange: false, requestIDs: [], requestCount: 1,
                        error: "\(name): 503 from the provider")
                }
                let noChange = before == targets.sorted()
                if !dryRun && !noChange {
                    state.records[key] = targets.sorted()
                    state.writes.append("\(key)=\(targets.sorted().joined(separator: ","))")
                }
                let after = dryRun ? before : targets.sorted()
                return DNSStepOutcome(
                    succeeded: true, summary: "\(key) \(before) -> \(after)", before: before, after: after,
                    planned: noChange ? [] : ["set \(targets)"], applied: dryRun || noChange ? [] : ["set \(targets)"],
                    noChange: noChange, requestIDs: [], requestCount: 1, error: nil)
            }
        }
    }
}

/// HTTP answers by URL; records requests.
final class FakeStepHTTP: StepHTTPClient, Sendable {
    let statuses = Mutex<[String: Int]>([:])
    let requests = Mutex<[StepHTTPRequest]>([])

    func send(_ request: StepHTTPRequest) async throws(StepHTTPError) -> StepHTTPResponse {
        requests.withLock { $0.append(request) }
        guard let status = statuses.withLock({ $0[request.url] }) else {
            throw StepHTTPError(message: "connection refused", attempts: 1)
        }
        return StepHTTPResponse(status: status, bodyPrefix: "", attempts: 1)
    }
}

/// Programs that exit as told; records launches.
final class FakeProcesses: StepProcessLauncher, Sendable {
    let exitStatus = Mutex<Int32>(0)
    let launches = Mutex<[StepProcessRequest]>([])

    let leftoverRequests = Mutex<[String]>([])

    func stopLeftovers(executionID: Int64, stepID: String) async -> [Int32] {
        leftoverRequests.withLock { $0.append("\(executionID)/\(stepID)") }
        return []
    }

    func launch(_ request: StepProcessRequest) async throws(StepProcessError) -> StepProcessResult {
        launches.withLock { $0.append(request) }
        return StepProcessResult(
            exitStatus: exitStatus.withLock { $0 }, signal: nil, timedOut: false, output: "promoted",
            outputTruncated: false)
    }
}

/// The engine tests run the SQLite ledger without the service, which declares this conformance for production.
extension RunbookLedger: ExecutionLedger {
    public func runTimers(now: Int64) async throws -> [Int64] { try await tick(now: now).scheduled }
}
