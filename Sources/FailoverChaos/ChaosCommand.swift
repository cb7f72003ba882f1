import ArgumentParser
import FailoverTestSupport
import Foundation

/// `failoverd-chaos`: the crash and fault campaigns against the real `failoverd serve` binary (`make chaos`).
@main
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failoverd-chaos",
        abstract: "Crash and fault campaigns against failoverd serve and the fake DNS providers.",
        subcommands: [Crash.self, Faults.self])

    /// `failoverd-chaos crash --kills N --seed S`.
    struct Crash: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "kill -9 failoverd at random moments while senders post webhooks; check nothing was lost.")

        @Option(help: "How many times failoverd is killed.") var kills = 200
        @Option(help: "The seed of every random choice.") var seed: UInt64 = 1
        @Option(help: "Regions (runbooks and keys).") var regions = 4
        @Option(help: "Concurrent webhook senders.") var senders = 4
        @Option(help: "The campaign's time limit in seconds.") var timeLimit = 480

        func run() async throws {
            let campaign = CrashCampaign(
                kills: kills, seed: seed, regions: regions, senders: senders, timeLimit: .seconds(timeLimit),
                progress: { print($0) })
            let report = try await campaign.run()
            print(report)
            if !report.passed { throw ExitCode.failure }
        }
    }

    /// `failoverd-chaos faults`.
    struct Faults: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Provider faults and storage faults, one line each; check recovery, no double change, no hang.")

        func run() async throws {
            let report = try await FaultCampaign().run()
            print(report)
            if !report.passed { throw ExitCode.failure }
        }
    }
}
