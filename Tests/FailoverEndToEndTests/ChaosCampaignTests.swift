import FailoverTestSupport
import Foundation
import Testing

/// The crash and fault campaigns of `make chaos`, in short: the same library code, fewer kills.
@Suite("crash and fault campaigns, short", .serialized)
struct ChaosCampaignTests {
    @Test("crash campaign: 8 kills -9 under concurrent senders, nothing acknowledged lost", .timeLimit(.minutes(2)))
    func crashCampaign() async throws {
        let report = try await CrashCampaign(kills: 8, seed: 7, regions: 3, senders: 3, timeLimit: .seconds(90)).run()
        #expect(report.kills == 8, "\(report)")
        #expect(report.figures.acknowledged > 0, "\(report)")
        for check in report.checks { #expect(check.passed, "\(check)\n\(report)") }
    }

    @Test(
        "fault campaign: provider faults recover or fail clearly, storage faults answer 503 and recover",
        .timeLimit(.minutes(3)))
    func faultCampaign() async throws {
        let report = try await FaultCampaign().run()
        for line in report.providerFaults + report.storageFaults { #expect(line.passed, "\(line)\n\(report)") }
        // As root the read-only case must run (chattr +i), not be skipped: permissions alone would stop nothing.
        if getuid() == 0 {
            let readOnly = report.storageFaults.first { $0.fault.hasPrefix("read-only") }
            #expect(readOnly.map { !$0.outcome.hasPrefix("skipped") } == true, "\(report)")
        }
    }

    @Test(
        "Benchmarks/chaos.sh passes shellcheck",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/shellcheck"), "needs shellcheck"))
    func chaosScriptPassesShellcheck() throws {
        let (status, output) = try ShellCommand.runBlocking("shellcheck '\(PackagePaths.root)/Benchmarks/chaos.sh'")
        #expect(status == 0, "\(output)")
    }
}
