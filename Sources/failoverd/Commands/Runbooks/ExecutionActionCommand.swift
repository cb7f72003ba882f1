import ArgumentParser
import FailoverConfig
import FailoverCore
import FailoverStore
import Foundation

/// What `failoverd run` and `failoverd failback` share: the runbook key, the flags, the request, `--wait`.
struct ExecutionActionOptions: ParsableArguments {
    @Argument(help: "The runbook's name, as configured.")
    var runbook: String

    @Option(
        name: .customLong("label"),
        help: ArgumentHelp(
            "A key label of the runbook and its value, NAME=VALUE; repeat for each key label.",
            valueName: "name=value"))
    var labels: [KeyLabel] = []

    @Flag(name: .customLong("dry-run"), help: "Only read and plan: DNS is read, nothing outside failoverd changes.")
    var dryRun = false

    @Flag(help: "Run although the key's state says no (paused runbook, hold not over, incident still firing).")
    var force = false

    @Flag(help: "Wait until the execution ends and print its steps; exit 1 unless it succeeded.")
    var wait = false

    @Option(
        name: .customLong("wait-timeout"),
        help: "With --wait, give up waiting after this long (for example 90s, 10m).")
    var waitTimeout: String = "10m"

    @OptionGroup var api: OperatorAPIOptions

    @Option(help: "Output: table (for people) or json (the API's answer, for scripts; with --wait the execution's).")
    var output: OutputFormat = .table

    func validate() throws {
        _ = try KeyLabel.labels(labels)
        guard let timeout = ConfigurationValueParsing.duration(waitTimeout), timeout > .zero else {
            throw ValidationError("--wait-timeout \"\(waitTimeout)\" is not a duration such as 90s or 10m")
        }
    }

    /// POSTs the action (`execute` or `failback`) and prints the answer; with `--wait`, follows the execution.
    func perform(_ action: String, kind: ExecutionKind) async throws {
        let client = try api.client()
        let request = OperatorActionRequest(labels: try KeyLabel.labels(labels), dryRun: dryRun, force: force)
        let path = "/api/v1/runbooks/\(OperatorAPIClient.escape(runbook))/\(action)"
        let body = try await client.post(path, body: request)
        let answer = try client.decode(OperatorActionAnswer.self, from: body)
        guard wait, let id = answer.execution else {
            switch output {
            case .json: FileHandle.standardOutput.write(Data(body))
            case .table: print(Self.describe(answer, kind: kind, dryRun: dryRun))
            }
            return
        }
        if output == .table { print(Self.describe(answer, kind: kind, dryRun: dryRun)) }
        let timeout = ConfigurationValueParsing.duration(waitTimeout) ?? .seconds(600)
        let (execution, finalBody) = try await ExecutionWatcher(client: client).waitUntilFinished(
            id, timeout: timeout)
        switch output {
        case .json: FileHandle.standardOutput.write(Data(finalBody))
        case .table: print(ExecutionReport.detail(execution))
        }
        if execution.state != .succeeded {
            throw CommandFailure(
                "execution \(id) \(execution.state.rawValue)" + (execution.error.map { ": \($0)" } ?? ""))
        }
    }

    /// `failover execution 12 scheduled for failover-us-east region=us-east; the key is failing_over`.
    static func describe(_ answer: OperatorActionAnswer, kind: ExecutionKind, dryRun: Bool) -> String {
        let key = RunbookKeyText.describe(answer.key)
        let phase = answer.phase.map { "; the key is \($0)" } ?? ""
        guard let execution = answer.execution else {
            return "no execution scheduled for \(answer.runbook) \(key)\(phase)"
        }
        return "\(dryRun ? "dry-run " : "")\(kind.rawValue) execution \(execution) scheduled for \(answer.runbook) "
            + "\(key)\(phase)"
    }
}
