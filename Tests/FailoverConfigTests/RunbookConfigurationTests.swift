import FailoverConfig
import FailoverCore
import Foundation
import Testing

@Suite("Configuration: runbooks")
struct RunbookConfigurationTests {
    static let providers = """
        providers:
          linode-main: {type: linode, token_env: LINODE_TOKEN}
          do-main: {type: digitalocean, token_env: DO_TOKEN}

        """

    static func parse(_ yaml: String) throws(ConfigurationError) -> FailoverConfiguration {
        try ConfigurationLoader.parse(yaml: providers + yaml, source: "failoverd.yml")
    }

    /// Every problem as `LINE:COLUMN: path: message`, lines counted in the runbook text given (after `providers`).
    static func problems(_ yaml: String) -> [String] {
        do {
            _ = try parse(yaml)
            return []
        } catch {
            let offset = providers.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            return error.problems.map { problem in
                var shifted = problem
                shifted.line = problem.line.map { $0 - offset }
                return shifted.description
            }
        }
    }

    @Test("the documented shape is read whole")
    func documentedShape() throws {
        let configuration = try Self.parse(
            """
            server:
              auth:
                admin: {bearer_token_env: ADMIN_TOKEN}
            ingest:
              reopen_window: 90s
            engine:
              dry_run: true
              workers: 2
              lease: 20s
            runbooks:
              failover-us-east:
                match: ['alertname="PrimaryRegionUnhealthy"', 'region=~"us-east|us-east-1"']
                key_labels: [region]
                min_firing: 30s
                steps:
                  - http_check: {url: "http://198.51.100.5/healthz", expect_status: 200, attempts: 3, interval: 2s}
                  - parallel:
                      - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [198.51.100.5], ttl: 30}
                      - dns: {provider: do-main, zone: example.org, name: app, type: A, targets: [198.51.100.6], ttl: 60}
                  - exec: {command: ["/usr/local/bin/promote-replica", "{{ labels.region }}"], timeout: 60s}
                    on_failure: continue
                    on_interrupted: fail
                  - http: {method: POST, url: "http://hooks.example/notify", body: '{"text":"failover {{ runbook }} done"}'}
                  - wait: 5s
                failback:
                  mode: manual
                  hold: 10m
                  steps:
                    - dns: {provider: linode-main, zone: example.com, name: app, type: A, targets: [192.0.2.1], ttl: 30}
                max_executions: {count: 3, per: 1h}
            """)
        #expect(configuration.server.auth.admin.isConfigured)
        #expect(configuration.ingest.reopenWindow == .seconds(90))
        #expect(configuration.engine == EngineSettings(dryRun: true, workers: 2, lease: .seconds(20)))
        let runbook = try #require(configuration.runbooks.runbook(named: "failover-us-east"))
        #expect(runbook.matchers.matchers.count == 2)
        #expect(runbook.keyLabels == ["region"])
        #expect(runbook.minFiring == .seconds(30))
        #expect(runbook.steps.map(\.kind) == ["http_check", "parallel", "exec", "http", "wait"])
        #expect(runbook.steps[2].onFailure == .continue && runbook.steps[2].onInterrupted == .fail)
        #expect(runbook.failback.mode == .manual && runbook.failback.hold == .seconds(600))
        #expect(runbook.failback.steps.count == 1)
        #expect(runbook.maxExecutions == ExecutionBudget(count: 3, per: .seconds(3600)))
        #expect(runbook.matchers.matches(["alertname": "PrimaryRegionUnhealthy", "region": "us-east-1"]))
        #expect(!runbook.matchers.matches(["alertname": "PrimaryRegionUnhealthy", "region": "us-east-2"]))
        #expect(
            runbook.lockKeys(for: .failover, key: runbook.key(for: ["region": "us-east"])) == [
                "dns:do-main/example.org/app/A", "dns:linode-main/example.com/app/A",
                "key:failover-us-east/{\"region\":\"us-east\"}",
            ])
    }

    @Test("key_labels default to the label names the matchers use")
    func defaultKey() throws {
        let configuration = try Self.parse(
            """
            runbooks:
              r:
                match: ['alertname="A"', 'region="us-east"', 'alertname!="B"']
                steps: [{wait: 1s}]
            """)
        #expect(configuration.runbooks.runbook(named: "r")?.keyLabels == ["alertname", "region"])
    }

    @Test(
        "every mistake is reported with its line and column",
        arguments: [
            ("runbooks:\n  r:\n    steps: [{wait: 1s}]\n", "3:5: runbooks.r.match: required"),
            ("runbooks:\n  r:\n    match: ['a=\"b\"']\n", "3:5: runbooks.r.steps: required"),
            (
                "runbooks:\n  r:\n    match: []\n    steps: [{wait: 1s}]\n",
                "3:12: runbooks.r.match: at least one matcher"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - dns: {provider: nope, zone: z, name: n, type: A, targets: [1.2.3.4], ttl: 30}\n",
                "5:25: runbooks.r.steps[0].dns.provider: unknown provider \"nope\""
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - dns: {provider: linode-main, zone: z, name: n, type: A, targets: [1.2.3.4]}\n",
                "runbooks.r.steps[0].dns.ttl: required"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - frobnicate: {}\n",
                "runbooks.r.steps[0]: a step needs one of dns, http_check, http, exec, wait, parallel"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - {wait: 1s, exec: {command: [/bin/true]}}\n",
                "a step has exactly one action"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - wait: soon\n",
                "runbooks.r.steps[0].wait: \"soon\" is not a duration"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - exec: {command: \"/bin/sh -c true\"}\n",
                "the command is a list (argv), never run through a shell"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - exec: {command: [\"{{ labels.x }}\"]}\n",
                "runbooks.r.steps[0].exec.command[0]: the program itself must not be a template"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - exec: {command: [/bin/true], timeot: 5s}\n",
                "runbooks.r.steps[0].exec.timeot: unknown setting"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps: [{wait: 1s}]\n    failback: {mode: auto}\n",
                "runbooks.r.failback.steps: failback mode auto needs steps"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps: [{wait: 1s}]\n    failback: {mode: sometimes}\n",
                "runbooks.r.failback.mode: \"sometimes\" is not one of auto, manual, none"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps: [{wait: 1s}]\n    max_executions: {count: 3}\n",
                "runbooks.r.max_executions: needs both count and per"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - http: {url: \"http://x\", url_file: f}\n",
                "set exactly one of url and url_file"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    key_labels: [\"not a label\"]\n    steps: [{wait: 1s}]\n",
                "runbooks.r.key_labels[0]: \"not a label\" is not a label name"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - dns: {provider: linode-main, zone: z, name: n, type: CNAME, targets: [a.example, b.example], ttl: 30}\n",
                "runbooks.r.steps[0].dns"
            ),
            (
                "runbooks:\n  bad name:\n    match: ['a=\"b\"']\n    steps: [{wait: 1s}]\n",
                "runbooks.bad name: runbook names use letters, digits"
            ),
            (
                "runbooks:\n  r:\n    match: ['a=\"b\"']\n    steps:\n      - dns: {provider: linode-main, zone: z, name: n, type: A, targets: [2001:db8::1], ttl: 30}\n",
                "runbooks.r.steps[0].dns.targets: \"2001:db8::1\" is not an IPv4 address"
            ),
            ("engine:\n  workers: 0\n", "engine.workers: 0 is out of range 1...64"),
            ("ingest:\n  reopen_window: -1s\n", "ingest.reopen_window: \"-1s\" is not a duration"),
        ])
    func mistakes(yaml: String, expected: String) {
        let problems = Self.problems(yaml)
        #expect(problems.contains { $0.contains(expected) }, "\(problems)")
    }

    @Test("matcher syntax errors point into the matcher text")
    func matcherErrors() {
        let problems = Self.problems("runbooks:\n  r:\n    match: ['region=~\"(\"']\n    steps: [{wait: 1s}]\n")
        #expect(problems.count == 1)
        #expect(problems.first?.contains("runbooks.r.match[0]: invalid matcher") == true)
        #expect(problems.first?.hasPrefix("3:") == true)
    }

    @Test("warnings: a failback hold shorter than the reopen window; a template label nothing guarantees")
    func warnings() throws {
        let configuration = try Self.parse(
            """
            ingest:
              reopen_window: 2m
            runbooks:
              r:
                match: ['alertname="A"']
                steps:
                  - exec: {command: [/usr/local/bin/promote, "{{ labels.instance }}"]}
                failback:
                  mode: auto
                  hold: 30s
                  steps: [{wait: 1s}]
            """)
        let warnings = configuration.warnings.map(\.description)
        #expect(
            warnings.contains {
                $0.contains("runbooks.r.failback.hold: hold 30.0 seconds is shorter than ingest.reopen_window")
            })
        #expect(warnings.contains { $0.contains("{{ labels.instance }}") })
    }

    @Test(
        "a regex that runs on ICU (a script class) with nested unbounded repetitions is warned about; others are not")
    func backtrackingWarning() throws {
        let configuration = try Self.parse(
            """
            runbooks:
              r:
                match:
                  - 'instance=~"(?:\\\\p{Greek}+-)+east"'
                  - 'host=~"(?:[a-z]+-)+east"'
                  - 'region=~"us-.*"'
                  - 'zone=~"(a|b){1,3}"'
                steps: [{wait: 1s}]
            """)
        let warnings = configuration.warnings.filter { $0.message.contains("nests unbounded repetitions") }
        #expect(warnings.map(\.path) == ["runbooks.r.match[0]"])
    }

    @Test("a relative storage path resolves against the configuration file's directory")
    func relativeStorage() throws {
        let configuration = try ConfigurationLoader.parse(
            yaml: "storage:\n  path: data/state.db\n", source: "x.yml", baseDirectory: "/etc/failoverd")
        #expect(configuration.storage.path == "/etc/failoverd/data/state.db")
    }
}
