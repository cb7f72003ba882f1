import ArgumentParser
import FailoverService

/// The `failoverd` command: turns Alertmanager webhooks into safe, exactly-once DNS failover.
@main
struct Failoverd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failoverd",
        abstract: "Turns Prometheus alerts into safe, automatic DNS failover.",
        version: FailoverdBuild.version,
        subcommands: [
            Serve.self, CheckConfig.self, RunbooksCommand.self, RunCommand.self, FailbackCommand.self,
            PauseCommand.self, ResumeCommand.self, CancelCommand.self, ExecutionsCommand.self, DNSCommand.self,
            AuditCommand.self, BackupCommand.self,
        ],
        defaultSubcommand: nil)
}
