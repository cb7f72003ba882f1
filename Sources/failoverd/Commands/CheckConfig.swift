import ArgumentParser
import FailoverConfig
import FailoverCore
import Foundation

/// `failoverd check-config`: validates a configuration file like `amtool check-config`.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file; list every problem with its location.",
        discussion: """
            Exit 0 when the file is valid, warnings included: the summary line, each runbook (matchers, key \
            labels, step kinds, failback), then each warning as FILE:LINE:COL: PATH: warning: MESSAGE (a \
            configuration or secret file that others may read or the group may write is one: failoverd serve \
            refuses to start on it). Exit 1 with every problem as FILE:LINE:COL: PATH: MESSAGE.
            """)

    @Option(name: .customLong("config.file"), help: "YAML configuration file to check.")
    var configFile: String

    func run() throws {
        var configuration: FailoverConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: configFile)
        } catch {
            let count = error.problems.count
            print("\(configFile): FAILED: \(count) problem\(count == 1 ? "" : "s")")
            for problem in error.problems { print("  \(configFile):\(problem)") }
            throw ExitCode(1)
        }
        // What `failoverd serve` refuses to start on, as warnings here.
        let insecure = FilePermissionCheck.problems(configurationFile: configFile, configuration: configuration)
        configuration.warnings += insecure.map(\.warning)
        print(summary(configuration))
        for runbook in configuration.runbooks.runbooks { print("  " + Self.describe(runbook)) }
        for warning in configuration.warnings { print("  " + warningLine(warning)) }
    }

    /// `FILE: SUCCESS: listen …, storage …, webhook auth on, 1 provider account[, 2 runbooks][, 1 warning]`.
    func summary(_ configuration: FailoverConfiguration) -> String {
        let auth = configuration.server.auth.webhook.isConfigured ? "webhook auth on" : "webhook auth off"
        var parts = [
            "listen \(configuration.server.listenAddress)", "storage \(configuration.storage.path)", auth,
            Self.count(configuration.providers.count, "provider account"),
        ]
        let runbooks = configuration.runbooks.runbooks.count
        if runbooks > 0 { parts.append(Self.count(runbooks, "runbook")) }
        if !configuration.warnings.isEmpty { parts.append(Self.count(configuration.warnings.count, "warning")) }
        return "\(configFile): SUCCESS: " + parts.joined(separator: ", ")
    }

    /// `FILE:LINE:COL: PATH: warning: MESSAGE`, the location left out when unknown.
    func warningLine(_ warning: ConfigurationProblem) -> String {
        let location = warning.line.map { "\($0):\(warning.column ?? 1):" } ?? ""
        let path = warning.path.isEmpty ? "" : " \(warning.path):"
        return "\(configFile):\(location)\(path) warning: \(warning.message)"
    }

    /// `runbook NAME: match …; key …; steps dns, parallel(dns, http); failback manual after 10m (1 step)`.
    static func describe(_ runbook: RunbookDefinition) -> String {
        var parts = [
            "match " + runbook.matchers.matchers.map(\.description).joined(separator: ", "),
            "key " + (runbook.keyLabels.isEmpty ? "(none)" : runbook.keyLabels.joined(separator: ", ")),
            "steps " + kinds(runbook.steps),
        ]
        if runbook.minFiring > .zero { parts.append("min firing \(DurationText.compact(runbook.minFiring))") }
        let failback = runbook.failback
        switch failback.mode {
        case .none:
            parts.append("failback none")
        case .auto, .manual:
            parts.append(
                "failback \(failback.mode.rawValue) after \(DurationText.compact(failback.hold)): "
                    + kinds(failback.steps))
        }
        if let budget = runbook.maxExecutions {
            parts.append("at most \(count(budget.count, "failover")) per \(DurationText.compact(budget.per))")
        }
        if runbook.dryRun { parts.append("dry run") }
        return "runbook \(runbook.name): " + parts.joined(separator: "; ")
    }

    /// Step kinds in order, a parallel group with its children: `dns, parallel(dns, http)`.
    static func kinds(_ steps: [RunbookStep]) -> String {
        steps.map { step in
            if case .parallel(let children) = step.action { return "parallel(\(kinds(children)))" }
            return step.kind
        }.joined(separator: ", ")
    }

    private static func count(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
