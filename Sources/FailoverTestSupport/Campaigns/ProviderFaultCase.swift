/// One provider fault of the fault campaign: what is injected where, and how the execution must end.
struct ProviderFaultCase: Sendable {
    /// Where the fault is injected.
    enum Target: Sendable {
        case linode, digitalOcean, linodeThroughProxy
    }

    /// The name, also the runbook key (`case` label) and the record's name (`f-<name>`).
    var name: String
    /// The line's first column.
    var fault: String
    var target: Target
    /// Whether the execution must succeed (else it must fail, naming the error).
    var expectSuccess: Bool
    /// A second DNS step after a 1 s `exec` pause, during which the token is revoked.
    var revokesToken = false
    /// How many A records the record set holds (more than one: its listing spans pages of one).
    var recordCount = 1

    /// The targets before the runbook (as the fake holds them) and after it.
    var initialTargets: [String] { (0..<recordCount).map { "192.0.2.\(9 + $0)" } }
    /// See ``initialTargets``.
    var desiredTargets: [String] { (0..<recordCount).map { "198.51.100.\(9 + $0)" } }

    /// The cases, in the order run.
    static let all: [ProviderFaultCase] = [
        ProviderFaultCase(
            name: "rate-limit", fault: "429 storm, Retry-After: 1, x3 on PUT", target: .linode, expectSuccess: true),
        ProviderFaultCase(
            name: "server-error", fault: "5xx burst (503) x3 on PUT", target: .digitalOcean, expectSuccess: true),
        ProviderFaultCase(
            name: "timeout", fault: "timeout (no answer beyond 1 s) x2 on PUT", target: .linode, expectSuccess: true),
        ProviderFaultCase(
            name: "reset", fault: "connection reset (proxy RST) x2", target: .linodeThroughProxy, expectSuccess: true),
        ProviderFaultCase(
            name: "html", fault: "HTML error page (502) x2 on PUT", target: .digitalOcean, expectSuccess: true),
        ProviderFaultCase(
            name: "pagination", fault: "slow pagination (3 records, 1 a page, 150 ms a page)", target: .linode,
            expectSuccess: true, recordCount: 3
        ),
        ProviderFaultCase(
            name: "revoked", fault: "token revoked between two DNS steps", target: .linode, expectSuccess: false,
            revokesToken: true),
        ProviderFaultCase(
            name: "give-up", fault: "5xx forever (500) on PUT: gives up", target: .digitalOcean, expectSuccess: false),
    ]

    /// The provider account the step uses.
    var provider: String {
        switch target {
        case .linode: "linode-main"
        case .digitalOcean: "do-main"
        case .linodeThroughProxy: "linode-proxied"
        }
    }

    /// The zone of the record.
    var zone: String { target == .digitalOcean ? "example.org" : "example.com" }

    /// The runbook's YAML under `runbooks:`.
    var yaml: String {
        let dns = { (record: String) in
            "dns: {provider: \(provider), zone: \(zone), name: \(record), type: A, targets: [\(desiredTargets.joined(separator: ", "))], ttl: 60}"
        }
        var steps = ["      - \(dns("f-\(name)"))"]
        if revokesToken {
            steps += [
                "      - exec: {command: [\"/bin/sleep\", \"1\"], timeout: 10s}", "      - \(dns("f-\(name)-b"))",
            ]
        }
        return """
              fault-\(name):
                match: ['alertname="ProviderFault"', 'case="\(name)"']
                key_labels: [case]
                steps:
            \(steps.joined(separator: "\n"))

            """
    }
}
