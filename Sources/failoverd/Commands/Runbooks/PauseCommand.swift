import ArgumentParser
import Foundation

/// `failoverd pause RUNBOOK`: the running service stops starting executions of a runbook (alerts are still
/// recorded; their executions are suppressed, visibly) until it is resumed.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a runbook: no execution starts until it is resumed (operators may still --force).",
        discussion: "POSTs /api/v1/runbooks/RUNBOOK/pause with the admin token from FAILOVERD_ADMIN_TOKEN.")

    @Argument(help: "The runbook's name, as configured.")
    var runbook: String

    @Option(help: "Why, for the audit trail and `failoverd runbooks`.")
    var reason: String?

    @OptionGroup var api: OperatorAPIOptions

    @Option(help: "Output: table (for people) or json (the API's answer, for scripts).")
    var output: OutputFormat = .table

    func run() async throws {
        let client = try api.client()
        let body = try await client.post(
            "/api/v1/runbooks/\(OperatorAPIClient.escape(runbook))/pause", body: OperatorActionRequest(reason: reason))
        switch output {
        case .json: FileHandle.standardOutput.write(Data(body))
        case .table: print("runbook \(runbook) paused" + (reason.map { ": \($0)" } ?? ""))
        }
    }
}
