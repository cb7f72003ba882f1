import ArgumentParser

/// `failoverd run RUNBOOK --label NAME=VALUE`: asks the running service to fail a runbook key over now.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Fail a runbook key over now, through the running failoverd.",
        discussion: """
            POSTs /api/v1/runbooks/RUNBOOK/execute with the admin token from FAILOVERD_ADMIN_TOKEN and prints \
            the execution scheduled. The service refuses (409, saying why) what the key's state forbids: a key \
            already failed over, an execution in progress, a paused runbook (unless --force).
            """)

    @OptionGroup var action: ExecutionActionOptions

    func run() async throws {
        try await action.perform("execute", kind: .failover)
    }
}
