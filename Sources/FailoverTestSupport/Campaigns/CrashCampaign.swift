import FailoverCore
import Foundation
import Logging
import Synchronization

/// The crash campaign: the real `failoverd serve` with one runbook per region against the fake Linode and
/// DigitalOcean, several concurrent senders posting firing, duplicate, stale and resolved webhooks straight to
/// `/webhook`, and `kill -9` by PID at random moments, each followed by a restart on the same state directory.
///
/// Every region's runbook points `app-<region> A` at the secondary on both fakes (step 0 Linode, step 1
/// DigitalOcean) and fails back automatically after a 300 ms hold. The fakes answer a share of the record writes
/// late (150 ms), so that kills also land in the middle of a DNS write. Senders keep a ledger of every
/// acknowledged delivery. After the last kill the senders stop, failoverd starts once more, every region that
/// is resolved (so every key must end `normal`, failed back), and once no execution, failback hold or pending reopen is left the service is stopped
/// and ``CrashCampaignInspection`` checks the state file, the fakes and the audit chain.
public struct CrashCampaign: Sendable {
    /// How many times failoverd is killed.
    public var kills: Int
    /// The seed of every random choice.
    public var seed: UInt64
    /// How many regions (runbooks, keys) there are.
    public var regions: Int
    /// How many senders post concurrently.
    public var senders: Int
    /// The longest a failoverd lives after it answered ready before it is killed.
    public var maximumLifetime: Duration
    /// The longest the whole campaign may take; beyond it, it stops and fails.
    public var timeLimit: Duration
    /// Where progress lines go (one every `kills / 10` kills).
    public var progress: @Sendable (String) -> Void

    /// A campaign of `kills` kills from `seed`.
    public init(
        kills: Int, seed: UInt64, regions: Int = 4, senders: Int = 4, maximumLifetime: Duration = .milliseconds(900),
        timeLimit: Duration = .seconds(480), progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.kills = kills
        self.seed = seed
        self.regions = regions
        self.senders = senders
        self.maximumLifetime = maximumLifetime
        self.timeLimit = timeLimit
        self.progress = progress
    }

    static let webhookToken = "chaos-webhook-token"
    static let adminToken = "chaos-admin-token"
    static let providerToken = "chaos-provider-token"

    /// Runs the campaign and returns its figures and checks; throws when the rig itself fails (a failoverd that
    /// does not start, the time limit).
    public func run() async throws -> CrashCampaignReport {
        let started = ContinuousClock.now
        let directory = try TemporaryDirectory(prefix: "failoverd-chaos-crash")
        let quiet = Logger(label: "chaos-fake", factory: { _ in SwiftLogNoOpLogHandler() })
        let linode = FakeDNSProviderServer(flavor: .linode, token: Self.providerToken, logger: quiet)
        let digitalOcean = FakeDNSProviderServer(flavor: .digitalOcean, token: Self.providerToken, logger: quiet)
        try linode.start()
        try digitalOcean.start()
        let world = CrashCampaignWorld(regions: regions, linode: linode, digitalOcean: digitalOcean)
        let failoverd = CampaignFailoverd(
            directory: directory, configPath: try world.writeConfiguration(in: directory),
            databasePath: directory.file("data/failoverd.db"))
        // FAILOVERD_CHAOS_KEEP=1 keeps the state directory (database, logs) for a look afterwards.
        let keep = ProcessInfo.processInfo.environment["FAILOVERD_CHAOS_KEEP"] == "1"
        defer { if keep { progress("kept \(directory.path)") } else { directory.remove() } }
        do {
            let report = try await campaign(world: world, failoverd: failoverd, started: started)
            await failoverd.stop()
            await linode.stop()
            await digitalOcean.stop()
            return report
        } catch {
            await failoverd.stop()
            await linode.stop()
            await digitalOcean.stop()
            throw FailoverdAPIError("\(error)\n--- last failoverd logs ---\n\(failoverd.logTails)")
        }
    }

    private func campaign(
        world: CrashCampaignWorld, failoverd: CampaignFailoverd, started: ContinuousClock.Instant
    ) async throws -> CrashCampaignReport {
        let deadline = started.advanced(by: timeLimit)
        let ledger = WebhookLedger()
        let regionScripts = (0..<regions).map { CrashCampaignRegion(name: "r\($0)") }
        let stopSenders = CampaignStopSignal()
        var random = CampaignRandom(seed: seed)
        // The first start creates the database; senders begin once it answers.
        try await failoverd.start()
        let senderTasks = (0..<senders).map { index in
            let senderSeed = seed &+ UInt64(index + 1) &* 0x1000_0001
            return Task {
                var random = CampaignRandom(seed: senderSeed)
                while !stopSenders.isRaised {
                    let region = regionScripts[Int.random(in: 0..<regionScripts.count, using: &random)]
                    let (notice, body) = await region.next(using: &random)
                    await ledger.deliver(body, notice: notice.rawValue, to: failoverd, until: { stopSenders.isRaised })
                    try? await Task.sleep(for: .milliseconds(Int.random(in: 10...80, using: &random)))
                }
            }
        }
        var killsDone = 0
        var killsBeforeReady = 0
        do {
            while killsDone < kills {
                if killsDone > 0, kills >= 10, killsDone % (kills / 10) == 0 {
                    let figures = ledger.figures
                    progress(
                        "kills \(killsDone)/\(kills), webhooks sent \(figures.sent), acknowledged \(figures.acknowledged)"
                    )
                }
                guard ContinuousClock.now < deadline else { throw FailoverdAPIError("the campaign ran out of time") }
                if failoverd.pid == nil {
                    // One kill in five lands while failoverd is still starting (migrations, take-back, listening).
                    if Int.random(in: 0..<5, using: &random) == 0 {
                        try await failoverd.start(waitUntilReady: false)
                        try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &random)))
                        try await failoverd.kill()
                        killsDone += 1
                        killsBeforeReady += 1
                        continue
                    }
                    try await failoverd.start()
                }
                let lifetime = Int.random(in: 0...Int(maximumLifetime / .milliseconds(1)), using: &random)
                try await Task.sleep(for: .milliseconds(lifetime))
                try await failoverd.kill()
                killsDone += 1
            }
        } catch {
            stopSenders.raise()
            for task in senderTasks { await task.value }
            throw error
        }
        stopSenders.raise()
        for task in senderTasks { await task.value }

        // The final restart: resolve what still fires, let every execution, hold and reopen run out.
        try await failoverd.start()
        for region in regionScripts {
            for resolution in await region.finalResolutions() {
                await ledger.deliver(
                    resolution, notice: "resolved", to: failoverd, until: { ContinuousClock.now > deadline })
            }
        }
        let inspection = CrashCampaignInspection(world: world, databasePath: failoverd.databasePath)
        try await inspection.waitUntilSettled(before: deadline)
        await failoverd.stop()
        let audit = try await failoverd.verifyAudit()
        let figures = ledger.figures
        return CrashCampaignReport(
            kills: killsDone, killsBeforeReady: killsBeforeReady, starts: failoverd.starts, figures: figures,
            checks: try await inspection.checks(acknowledged: ledger.acknowledgedDeliveries, audit: audit),
            elapsed: ContinuousClock.now - started)
    }
}
