import FailoverCore
import FailoverStore
import Testing

@Suite("RunbookPolicy: reloads, and the definition each execution runs")
struct RunbookPolicyTests {
    static func version(_ digest: String, target: String) -> RunbookDefinition {
        var runbook = Scenario.runbook(steps: [Scenario.dns("linode-main", target: target)])
        runbook.digest = digest
        return runbook
    }

    @Test("an execution runs the version it was scheduled with, after any number of reloads of this process")
    func versions() {
        let first = Self.version("v1", target: "198.51.100.1")
        let second = Self.version("v2", target: "198.51.100.2")
        let policy = RunbookPolicy(RunbookPolicy.Settings(catalog: RunbookCatalog([first])))
        policy.replace(RunbookPolicy.Settings(catalog: RunbookCatalog([second])))
        policy.replace(RunbookPolicy.Settings(catalog: .empty))
        #expect(policy.definition(named: first.name, digest: "v1") == first)
        #expect(policy.definition(named: first.name, digest: "v2") == second)
        #expect(policy.definition(named: first.name, digest: "v3") == nil)
        // Executions recorded before digests existed run what is in force, by name: nothing after the removal.
        #expect(policy.definition(named: first.name, digest: nil) == nil)
        policy.replace(RunbookPolicy.Settings(catalog: RunbookCatalog([second])))
        #expect(policy.definition(named: first.name, digest: nil) == second)
    }
}
