import ArgumentParser
import Foundation

/// `failoverd cancel ID`: cancels an execution: at once when it has not started, at its next step boundary when
/// it runs.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel an execution: at once when scheduled, at the next step boundary when running.",
        discussion: "POSTs /api/v1/executions/ID/cancel with the admin token from FAILOVERD_ADMIN_TOKEN.")

    @Argument(help: "The execution's id.")
    var id: Int64

    @OptionGroup var api: OperatorAPIOptions

    @Option(help: "Output: table (for people) or json (the API's answer, for scripts).")
    var output: OutputFormat = .table

    func validate() throws {
        guard id > 0 else { throw ValidationError("the execution id is a positive integer") }
    }

    func run() async throws {
        let client = try api.client()
        let body = try await client.post("/api/v1/executions/\(id)/cancel", body: OperatorActionRequest.empty)
        switch output {
        case .json:
            FileHandle.standardOutput.write(Data(body))
        case .table:
            let answer = try client.decode(CancelAnswer.self, from: body)
            print(
                answer.state == "cancelled"
                    ? "execution \(id) cancelled"
                    : "execution \(id): cancel requested; it stops at its next step boundary")
        }
    }
}

/// The API's answer to a cancel: `{"execution", "state": "cancelled" | "cancel_requested"}`.
private struct CancelAnswer: Decodable {
    var execution: Int64
    var state: String
}
