import FailoverCore
import Foundation
import Logging

/// The fault campaign: the real `failoverd serve` against fake providers that misbehave, one runbook per fault,
/// then the storage under failoverd failing (locked by another process, read-only, disk full). One line per
/// fault: the outcome, the attempts, the time to recover or to give up, and the checks (no record changed twice,
/// no execution left hanging; for storage, 503s meanwhile, nothing acknowledged lost, recovery by itself).
public struct FaultCampaign: Sendable {
    /// Where progress lines go.
    public var progress: @Sendable (String) -> Void

    /// A campaign printing progress to `progress`.
    public init(progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.progress = progress
    }

    /// Runs every provider fault, then every storage fault.
    public func run() async throws -> FaultCampaignReport {
        let providerFaults = try await runProviderFaults()
        let storageFaults = try await runStorageFaults()
        return FaultCampaignReport(providerFaults: providerFaults, storageFaults: storageFaults)
    }

    /// The provider faults, one after the other on one failoverd.
    func runProviderFaults() async throws -> [FaultOutcome] {
        let directory = try TemporaryDirectory(prefix: "failoverd-chaos-faults")
        defer { directory.remove() }
        let quiet = Logger(label: "chaos-fake", factory: { _ in SwiftLogNoOpLogHandler() })
        let linode = FakeDNSProviderServer(flavor: .linode, token: CrashCampaign.providerToken, logger: quiet)
        let digitalOcean = FakeDNSProviderServer(
            flavor: .digitalOcean, token: CrashCampaign.providerToken, logger: quiet)
        try linode.start()
        try digitalOcean.start()
        let proxy = try ConnectionDroppingProxy(upstreamPort: linode.port)
        linode.addZone("example.com")
        digitalOcean.addZone("example.org")
        var records: [String: [Int]] = [:]
        for fault in ProviderFaultCase.all {
            let fake = fault.target == .digitalOcean ? digitalOcean : linode
            for record in ["f-\(fault.name)"] + (fault.revokesToken ? ["f-\(fault.name)-b"] : []) {
                records[record] = fault.initialTargets.map {
                    fake.addRecord(zone: fault.zone, name: record, type: "A", target: $0, ttl: 60)
                }
            }
        }
        try directory.write("webhook-token", CrashCampaign.webhookToken + "\n")
        try directory.write("admin-token", CrashCampaign.adminToken + "\n")
        try directory.write("provider-token", CrashCampaign.providerToken + "\n")
        let account =
            "token_file: provider-token, connect_timeout: 1s, request_timeout: 1s, max_attempts: 5, max_retry_duration: 15s"
        let config = try directory.write(
            "failoverd.yml",
            """
            server:
              auth:
                webhook: {bearer_token_file: webhook-token}
                admin: {bearer_token_file: admin-token}
            engine:
              poll_interval: 100ms
            providers:
              linode-main: {type: linode, \(account), base_url: "\(linode.baseURL)"}
              linode-proxied: {type: linode, \(account), base_url: "http://127.0.0.1:\(proxy.port)/v4"}
              do-main: {type: digitalocean, \(account), base_url: "\(digitalOcean.baseURL)"}
            runbooks:
            \(ProviderFaultCase.all.map(\.yaml).joined())
            """)
        let failoverd = CampaignFailoverd(
            directory: directory, configPath: config, databasePath: directory.file("data/failoverd.db"))
        var outcomes: [FaultOutcome] = []
        do {
            try await failoverd.start()
            for fault in ProviderFaultCase.all {
                let fake = fault.target == .digitalOcean ? digitalOcean : linode
                let outcome = try await run(fault, fake: fake, proxy: proxy, records: records, failoverd: failoverd)
                progress(outcome.description)
                outcomes.append(outcome)
            }
        } catch {
            await failoverd.stop()
            proxy.stop()
            await linode.stop()
            await digitalOcean.stop()
            throw FailoverdAPIError("\(error)\n--- failoverd log ---\n\(failoverd.logTails)")
        }
        await failoverd.stop()
        proxy.stop()
        await linode.stop()
        await digitalOcean.stop()
        return outcomes
    }

    private func run(
        _ fault: ProviderFaultCase, fake: FakeDNSProviderServer, proxy: ConnectionDroppingProxy,
        records: [String: [Int]], failoverd: CampaignFailoverd
    ) async throws -> FaultOutcome {
        fake.resetRequestLog()
        let droppedBefore = proxy.droppedConnections
        switch fault.name {
        case "rate-limit": fake.inject(.rateLimited(retryAfterSeconds: 1), times: 3, method: .put)
        case "server-error": fake.inject(.serverError(status: 503), times: 3, method: .put)
        case "timeout": fake.inject(.noAnswer, times: 2, method: .put)
        case "reset": proxy.dropNext(2)
        case "html": fake.inject(.htmlError(status: 502), times: 2, method: .put)
        case "pagination":
            fake.setMaxPageSize(1)
            fake.inject(.slowAnswer(.milliseconds(150)), times: 1000, method: .get)
        case "give-up": fake.inject(.serverError(status: 500), times: 1000, method: .put)
        default: break
        }
        defer {
            fake.clearFaults()
            fake.setMaxPageSize(nil)
            fake.replaceToken(with: CrashCampaign.providerToken)
        }
        guard let port = failoverd.port else { throw FailoverdAPIError("failoverd is not running") }
        let client = FailoverdOperatorClient(
            port: port, webhookToken: CrashCampaign.webhookToken, adminToken: CrashCampaign.adminToken)
        let body = AlertmanagerWebhookBody.firing(
            labels: ["alertname": "ProviderFault", "case": fault.name], startsAt: .wallClock())
        let answer = try await client.postWebhook(body)
        guard answer.status == 200 else { throw FailoverdAPIError("webhook for \(fault.name): \(answer.status)") }
        let posted = ContinuousClock.now
        let runbook = "fault-\(fault.name)"
        let id = try await PollingDeadline.wait(for: "the execution of \(runbook)", within: .seconds(10)) {
            try await client.executions().first { $0.runbook == runbook }?.id
        }
        if fault.revokesToken {
            try await PollingDeadline.wait(for: "step 0 of \(runbook) to finish", within: .seconds(30)) {
                try await client.execution(id).nextStep >= 1 ? true : nil
            }
            fake.replaceToken(with: "revoked-\(UUID().uuidString.prefix(6))")
        }
        var hung = false
        var execution = try await client.execution(id)
        do {
            execution = try await PollingDeadline.wait(for: "\(runbook) to end", within: .seconds(60)) {
                let current = try await client.execution(id)
                return current.isFinal ? current : nil
            }
        } catch {
            hung = true
        }
        let elapsed = ContinuousClock.now - posted
        let changes = fake.requests.filter { request in
            request.isWrite && (200..<300).contains(request.status)
                && records.filter { $0.key.hasPrefix("f-\(fault.name)") }.values.joined().contains {
                    request.path.hasSuffix("/records/\($0)")
                }
        }.count
        let wanted = fault.expectSuccess ? fault.desiredTargets : fault.initialTargets
        let lastRecord = fault.revokesToken ? "f-\(fault.name)-b" : "f-\(fault.name)"
        let recordRight = fake.targets(zone: fault.zone, name: lastRecord) == wanted.sorted()
        let requests = fake.requests
        let dropped = proxy.droppedConnections - droppedBefore
        let succeeded = execution.state == "succeeded"
        let outcome =
            succeeded
            ? "succeeded" : "\(execution.state): \((execution.error ?? "no error given").prefix(220))"
        // One change per record of the set at most; none when the runbook must fail (but the first record of the
        // revoked case, whose step ran before the token went).
        let maximumChanges = fault.revokesToken ? 1 : (fault.expectSuccess ? fault.recordCount : 0)
        return FaultOutcome(
            fault: fault.fault, outcome: outcome,
            attempts: "\(requests.count) requests (\(requests.filter(\.isWrite).count) writes)"
                + (dropped > 0 ? " + \(dropped) reset" : ""),
            time: String(format: "%.2f s", Double(elapsed / .milliseconds(1)) / 1000),
            checks:
                "changes \(changes), \(hung ? "HUNG" : "not hung"), record \(recordRight ? "as expected" : "WRONG")",
            passed: !hung && succeeded == fault.expectSuccess && changes <= maximumChanges && recordRight
                && (succeeded || execution.error?.isEmpty == false))
    }
}
