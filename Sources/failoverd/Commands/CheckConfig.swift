import ArgumentParser
import FailoverConfig
import Foundation

/// `failoverd check-config`: validates a configuration file like `amtool check-config`.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file; list every problem with its location.")

    @Option(name: .customLong("config.file"), help: "YAML configuration file to check.")
    var configFile: String

    func run() throws {
        do {
            let configuration = try ConfigurationLoader.load(path: configFile)
            let auth = configuration.server.auth.webhook.isConfigured ? "webhook auth on" : "webhook auth off"
            let providers = configuration.providers.count
            print(
                "\(configFile): SUCCESS: listen \(configuration.server.listenAddress), storage "
                    + "\(configuration.storage.path), \(auth), \(providers) provider account\(providers == 1 ? "" : "s")"
            )
        } catch {
            let count = error.problems.count
            print("\(configFile): FAILED: \(count) problem\(count == 1 ? "" : "s")")
            for problem in error.problems { print("  \(configFile):\(problem)") }
            throw ExitCode(1)
        }
    }
}
