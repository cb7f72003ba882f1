import ArgumentParser
import FailoverStore
import Foundation

/// `failoverd runbooks`: every runbook of the running service, each key's phase and active side, its open
/// incident, its latest executions, and which runbooks are paused.
struct RunbooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbooks",
        abstract: "Show the runbooks of the running failoverd: each key's phase, active side and latest executions.",
        discussion: """
            Reads GET /api/v1/runbooks with the read token from FAILOVERD_READ_TOKEN (or FAILOVERD_ADMIN_TOKEN).
            """)

    @OptionGroup var api: OperatorAPIOptions

    @Option(help: "Output: table (for people) or json (the API's answer, for scripts).")
    var output: OutputFormat = .table

    func run() async throws {
        let client = try api.client()
        let body = try await client.get("/api/v1/runbooks")
        switch output {
        case .json: FileHandle.standardOutput.write(Data(body))
        case .table: print(try client.decode(RunbookOverview.self, from: body).text)
        }
    }
}
