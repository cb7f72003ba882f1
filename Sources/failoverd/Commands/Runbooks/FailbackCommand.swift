import ArgumentParser

/// `failoverd failback RUNBOOK --label NAME=VALUE`: asks the running service to fail a runbook key back.
struct FailbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failback",
        abstract:
            "Fail a runbook key back to the primary (or approve a manual failback), through the running failoverd.",
        discussion: """
            POSTs /api/v1/runbooks/RUNBOOK/failback with the admin token from FAILOVERD_ADMIN_TOKEN. The service \
            refuses (409, saying why) a key that is not failed over, an incident still firing or a hold not over \
            (unless --force).
            """)

    @OptionGroup var action: ExecutionActionOptions

    func run() async throws {
        try await action.perform("failback", kind: .failback)
    }
}
