import ArgumentParser
import FailoverCore
import FailoverStore
import Foundation

/// `failoverd executions [ID]`: the executions of the running service, newest first, or one with its step
/// timeline.
struct ExecutionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "executions",
        abstract: "List executions, newest first, or show one with its steps.",
        discussion: """
            Reads GET /api/v1/executions (or /api/v1/executions/ID) with the read token from FAILOVERD_READ_TOKEN \
            (or FAILOVERD_ADMIN_TOKEN). One execution shows each step: path, kind, state, attempts, summary, and \
            for DNS steps the records before -> after.
            """)

    @Argument(help: "An execution's id: show it with its steps instead of listing.")
    var id: Int64?

    @Option(help: "Only executions of this runbook.")
    var runbook: String?

    @Option(help: "Only executions in this state: \(ExecutionState.allCases.map(\.rawValue).joined(separator: ", ")).")
    var state: String?

    @Option(help: "Only failover or failback executions.")
    var kind: String?

    @Option(help: "Only executions of this incident.")
    var incident: Int64?

    @Option(help: "At most this many (1-1000, default 100).")
    var limit: Int?

    @Option(help: "The page after this one: the cursor a previous list printed.")
    var cursor: String?

    @OptionGroup var api: OperatorAPIOptions

    @Option(help: "Output: table (for people) or json (the API's answer, for scripts).")
    var output: OutputFormat = .table

    func validate() throws {
        if let id, id <= 0 { throw ValidationError("the execution id is a positive integer") }
        let filtered = runbook != nil || state != nil || kind != nil || incident != nil || limit != nil
        if id != nil, filtered || cursor != nil {
            throw ValidationError("an execution id shows that execution; leave out the list's filters")
        }
        if let state, ExecutionState(rawValue: state) == nil {
            throw ValidationError(
                "--state \"\(state)\" is not one of \(ExecutionState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let kind, ExecutionKind(rawValue: kind) == nil {
            throw ValidationError("--kind \"\(kind)\" is not one of failover, failback")
        }
        if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be from 1 to 1000") }
    }

    func run() async throws {
        let client = try api.client()
        if let id {
            let body = try await client.get("/api/v1/executions/\(id)")
            switch output {
            case .json: FileHandle.standardOutput.write(Data(body))
            case .table: print(ExecutionReport.detail(try client.decode(ExecutionRecord.self, from: body)))
            }
            return
        }
        let parameters = [
            ("runbook", runbook), ("state", state), ("kind", kind), ("incident", incident.map { "\($0)" }),
            ("limit", limit.map { "\($0)" }), ("cursor", cursor),
        ].compactMap { name, value in value.map { "\(name)=\(OperatorAPIClient.escape($0))" } }
        let body = try await client.get(
            "/api/v1/executions" + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&")))
        switch output {
        case .json:
            FileHandle.standardOutput.write(Data(body))
        case .table:
            let list = try client.decode(ExecutionList.self, from: body)
            print(ExecutionReport.list(list.executions, next: list.next))
        }
    }
}

/// The API's list of executions: newest first, and the cursor of the next page.
private struct ExecutionList: Decodable {
    var executions: [ExecutionRecord]
    var next: String?
}
