import ArgumentParser
import Foundation

/// `failoverd resume RUNBOOK`: ends a pause.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Resume a paused runbook.",
        discussion: "POSTs /api/v1/runbooks/RUNBOOK/resume with the admin token from FAILOVERD_ADMIN_TOKEN.")

    @Argument(help: "The runbook's name, as configured.")
    var runbook: String

    @OptionGroup var api: OperatorAPIOptions

    @Option(help: "Output: table (for people) or json (the API's answer, for scripts).")
    var output: OutputFormat = .table

    func run() async throws {
        let client = try api.client()
        let body = try await client.post(
            "/api/v1/runbooks/\(OperatorAPIClient.escape(runbook))/resume", body: OperatorActionRequest.empty)
        switch output {
        case .json: FileHandle.standardOutput.write(Data(body))
        case .table: print("runbook \(runbook) resumed")
        }
    }
}
