import FailoverCore
import Foundation
import Yams

extension NodeReader {
    // MARK: engine

    mutating func readEngine(_ node: Node, into engine: inout EngineSettings) {
        guard let entries = mapping(node, path: "engine") else { return }
        for (key, value) in entries {
            let path = "engine." + key
            switch key {
            case "dry_run": if let flag = boolean(value, path: path) { engine.dryRun = flag }
            case "workers": if let count = integer(value, path: path, range: 1...64) { engine.workers = count }
            case "lease": if let lease = duration(value, path: path, minimum: .seconds(3)) { engine.lease = lease }
            case "poll_interval":
                if let interval = duration(value, path: path, minimum: .milliseconds(50)) {
                    engine.pollInterval = interval
                }
            default: unknownKey(key, value, path: "engine")
            }
        }
    }

    // MARK: runbooks

    mutating func readRunbooks(_ node: Node) -> [RunbookDefinition] {
        guard let entries = mapping(node, path: "runbooks") else { return [] }
        var runbooks: [RunbookDefinition] = []
        for (name, value) in entries {
            let path = "runbooks." + name
            if !Self.isValidName(name) { report(value, path, "runbook names use letters, digits, '-' and '_' only") }
            if let runbook = readRunbook(name: name, value, path: path) { runbooks.append(runbook) }
        }
        return runbooks
    }

    private mutating func readRunbook(name: String, _ node: Node, path: String) -> RunbookDefinition? {
        guard let fields = mapping(node, path: path) else { return nil }
        var matchers: [AlertMatcher] = []
        var matchNode: Node?
        var keyLabels: [String]?
        var minFiring = Duration.zero
        var steps: [RunbookStep]?
        var failback = FailbackPolicy()
        var failbackNode: Node?
        var budget: ExecutionBudget?
        var dryRun = false
        var failed = false
        let before = problems.count
        for (key, value) in fields {
            let fieldPath = path + "." + key
            switch key {
            case "match":
                matchNode = value
                guard let items = sequence(value, path: fieldPath) else { continue }
                for (index, item) in items.enumerated() {
                    guard let text = string(item, path: "\(fieldPath)[\(index)]") else { continue }
                    do {
                        let matcher = try AlertMatcher(parsing: text)
                        matchers.append(matcher)
                        if matcher.mayBacktrack {
                            warnings.append(
                                ConfigurationProblem(
                                    line: item.mark?.line, column: item.mark?.column, path: "\(fieldPath)[\(index)]",
                                    message:
                                        "the regex in \(text) nests unbounded repetitions and uses a Unicode script "
                                        + "class, so it runs on ICU, which may backtrack for long on a long label "
                                        + "value where Alertmanager takes linear time; prefer a regex without a "
                                        + "repetition inside a repetition"))
                        }
                    } catch {
                        report(
                            item, "\(fieldPath)[\(index)]", "invalid matcher \(text): \(error.message)",
                            offset: error.offset)
                    }
                }
                if items.isEmpty { report(value, fieldPath, "at least one matcher is required") }
            case "key_labels":
                guard let items = sequence(value, path: fieldPath) else { continue }
                var labels: [String] = []
                for (index, item) in items.enumerated() {
                    guard let label = string(item, path: "\(fieldPath)[\(index)]") else { continue }
                    if !Self.isLabelName(label) {
                        report(item, "\(fieldPath)[\(index)]", "\"\(label)\" is not a label name")
                    } else if !labels.contains(label) {
                        labels.append(label)
                    }
                }
                keyLabels = labels
            case "min_firing":
                if let value = duration(value, path: fieldPath, minimum: .zero) { minFiring = value }
            case "steps":
                steps = readSteps(value, path: fieldPath)
            case "failback":
                failbackNode = value
                failback = readFailback(value, path: fieldPath)
            case "max_executions":
                budget = readBudget(value, path: fieldPath)
            case "dry_run":
                if let flag = boolean(value, path: fieldPath) { dryRun = flag }
            default:
                unknownKey(key, value, path: path)
            }
        }
        if matchNode == nil {
            report(node, path + ".match", "required: the Alertmanager matchers this runbook acts on")
        }
        if steps == nil { report(node, path + ".steps", "required: the failover's steps") }
        if let steps, steps.isEmpty { report(node, path + ".steps", "at least one step is required") }
        if let failbackNode, failback.mode != .none, failback.steps.isEmpty {
            report(failbackNode, path + ".failback.steps", "failback mode \(failback.mode.rawValue) needs steps")
        }
        failed = problems.count > before
        guard !failed, let steps else { return nil }
        let matcherSet = AlertMatcherSet(matchers)
        let runbook = RunbookDefinition(
            name: name, matchers: matcherSet, keyLabels: keyLabels, minFiring: minFiring, steps: steps,
            failback: failback, maxExecutions: budget, dryRun: dryRun,
            digest: RunbookDefinition.digest(ofCanonicalText: name + "=" + Self.canonicalText(node)))
        checkTemplates(of: runbook, node: node, path: path)
        return runbook
    }

    /// A node as text that its YAML formatting does not change: flow or block style, quoting and key order give the
    /// same text; every scalar is prefixed with its length in bytes, so that no two trees read alike.
    static func canonicalText(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            return "\(scalar.string.utf8.count):\(scalar.string)"
        case .sequence(let sequence):
            return "[" + sequence.map(canonicalText).joined(separator: ",") + "]"
        case .mapping(let mapping):
            let entries = mapping.map { canonicalText($0.key) + "=" + canonicalText($0.value) }
            return "{" + entries.sorted().joined(separator: ",") + "}"
        case .alias:
            return "*"
        }
    }

    private mutating func readFailback(_ node: Node, path: String) -> FailbackPolicy {
        var policy = FailbackPolicy()
        guard let fields = mapping(node, path: path) else { return policy }
        for (key, value) in fields {
            let fieldPath = path + "." + key
            switch key {
            case "mode":
                guard let text = string(value, path: fieldPath) else { continue }
                if let mode = FailbackPolicy.Mode(rawValue: text) {
                    policy.mode = mode
                } else {
                    report(value, fieldPath, "\"\(text)\" is not one of auto, manual, none")
                }
            case "hold":
                if let hold = duration(value, path: fieldPath, minimum: .zero) {
                    policy.hold = hold
                    holds.append((hold, value, fieldPath))
                }
            case "steps":
                policy.steps = readSteps(value, path: fieldPath) ?? []
            default:
                unknownKey(key, value, path: path)
            }
        }
        return policy
    }

    private mutating func readBudget(_ node: Node, path: String) -> ExecutionBudget? {
        guard let fields = mapping(node, path: path) else { return nil }
        var count: Int?
        var per: Duration?
        for (key, value) in fields {
            switch key {
            case "count": count = integer(value, path: path + ".count", range: 1...10_000)
            case "per": per = duration(value, path: path + ".per", minimum: .seconds(1))
            default: unknownKey(key, value, path: path)
            }
        }
        guard let count, let per else {
            report(node, path, "needs both count and per, for example {count: 3, per: 1h}")
            return nil
        }
        return ExecutionBudget(count: count, per: per)
    }

    // MARK: Steps

    mutating func readSteps(_ node: Node, path: String) -> [RunbookStep]? {
        guard let items = sequence(node, path: path) else { return nil }
        var steps: [RunbookStep] = []
        for (index, item) in items.enumerated() {
            if let step = readStep(item, path: "\(path)[\(index)]") { steps.append(step) }
        }
        return steps
    }

    private mutating func readStep(_ node: Node, path: String) -> RunbookStep? {
        guard let fields = mapping(node, path: path) else { return nil }
        let actions = ["dns", "http_check", "http", "exec", "wait", "parallel"]
        let present = fields.filter { actions.contains($0.0) }
        guard present.count == 1, let (kind, body) = present.first else {
            report(
                node, path,
                present.isEmpty
                    ? "a step needs one of \(actions.joined(separator: ", "))"
                    : "a step has exactly one action; found \(present.map(\.0).joined(separator: ", "))")
            return nil
        }
        var name: String?
        var onFailure = StepFailurePolicy.stop
        var onInterrupted = StepInterruptionPolicy.rerun
        for (key, value) in fields where !actions.contains(key) {
            let fieldPath = path + "." + key
            switch key {
            case "name": name = string(value, path: fieldPath)
            case "on_failure":
                guard let text = string(value, path: fieldPath) else { continue }
                if let policy = StepFailurePolicy(rawValue: text) {
                    onFailure = policy
                } else {
                    report(value, fieldPath, "\"\(text)\" is not one of stop, continue")
                }
            case "on_interrupted":
                guard let text = string(value, path: fieldPath) else { continue }
                if let policy = StepInterruptionPolicy(rawValue: text) {
                    onInterrupted = policy
                } else {
                    report(value, fieldPath, "\"\(text)\" is not one of rerun, fail")
                }
            default: unknownKey(key, value, path: path)
            }
        }
        let actionPath = path + "." + kind
        let action: RunbookAction?
        switch kind {
        case "dns": action = readDNSStep(body, path: actionPath).map(RunbookAction.dns)
        case "http_check": action = readCheckStep(body, path: actionPath).map(RunbookAction.httpCheck)
        case "http": action = readHTTPStep(body, path: actionPath).map(RunbookAction.http)
        case "exec": action = readExecStep(body, path: actionPath).map(RunbookAction.exec)
        case "wait": action = duration(body, path: actionPath, minimum: .zero).map(RunbookAction.wait)
        default:
            let children = readSteps(body, path: actionPath) ?? []
            if children.isEmpty { report(body, actionPath, "a parallel group needs at least one step") }
            action = .parallel(children)
        }
        guard let action else { return nil }
        return RunbookStep(action, name: name, onFailure: onFailure, onInterrupted: onInterrupted)
    }

    private mutating func readDNSStep(_ node: Node, path: String) -> DNSStepSpecification? {
        guard let fields = mapping(node, path: path) else { return nil }
        var provider: String?
        var zone: String?
        var name: String?
        var type: DNSRecordType?
        var targets: [String]?
        var ttl: Int?
        for (key, value) in fields {
            let fieldPath = path + "." + key
            switch key {
            case "provider":
                provider = string(value, path: fieldPath)
                if let provider { providerReferences.append((provider, value, fieldPath)) }
            case "zone": zone = nonEmpty(value, path: fieldPath)
            case "name": name = nonEmpty(value, path: fieldPath)
            case "type":
                guard let text = string(value, path: fieldPath) else { continue }
                let parsed = DNSRecordType(rawValue: text)
                if parsed.isWritable {
                    type = parsed
                } else {
                    report(value, fieldPath, "\(parsed) records are not written")
                }
            case "targets":
                guard let items = sequence(value, path: fieldPath) else { continue }
                targets = items.enumerated().compactMap { index, item in nonEmpty(item, path: "\(fieldPath)[\(index)]")
                }
                if items.isEmpty { report(value, fieldPath, "at least one target is required") }
            case "ttl": ttl = integer(value, path: fieldPath, range: 0...2_147_483_647)
            default: unknownKey(key, value, path: path)
            }
        }
        for (field, present) in [
            ("provider", provider != nil), ("zone", zone != nil), ("name", name != nil), ("type", type != nil),
            ("targets", targets != nil), ("ttl", ttl != nil),
        ] where !present && !fields.contains(where: { $0.0 == field }) {
            report(node, path + "." + field, "required")
        }
        guard let provider, let zone, let name, let type, let targets, !targets.isEmpty, let ttl else { return nil }
        for target in targets where !Self.fits(target, type) {
            report(node, path + ".targets", "\"\(target)\" is not an \(type == .a ? "IPv4" : "IPv6") address")
            return nil
        }
        do {
            try DNSDesiredState(targets: targets, ttl: ttl).validate(for: type)
        } catch {
            report(node, path, error.message)
            return nil
        }
        return DNSStepSpecification(provider: provider, zone: zone, name: name, type: type, targets: targets, ttl: ttl)
    }

    private mutating func readCheckStep(_ node: Node, path: String) -> HTTPCheckSpecification? {
        guard let fields = mapping(node, path: path) else { return nil }
        var url: RunbookTemplate?
        var check = HTTPCheckSpecification(url: RunbookTemplate.empty)
        for (key, value) in fields {
            let fieldPath = path + "." + key
            switch key {
            case "url": url = template(value, path: fieldPath)
            case "expect_status":
                if let status = integer(value, path: fieldPath, range: 100...599) { check.expectStatus = status }
            case "attempts": if let count = integer(value, path: fieldPath, range: 1...100) { check.attempts = count }
            case "interval":
                if let interval = duration(value, path: fieldPath, minimum: .zero) { check.interval = interval }
            case "timeout":
                if let timeout = duration(value, path: fieldPath, minimum: .milliseconds(100)) {
                    check.timeout = timeout
                }
            default: unknownKey(key, value, path: path)
            }
        }
        guard let url else {
            if !fields.contains(where: { $0.0 == "url" }) { report(node, path + ".url", "required") }
            return nil
        }
        check.url = url
        return check
    }

    private mutating func readHTTPStep(_ node: Node, path: String) -> HTTPCallSpecification? {
        guard let fields = mapping(node, path: path) else { return nil }
        var call = HTTPCallSpecification(target: .url(RunbookTemplate.empty))
        var targets = 0
        for (key, value) in fields {
            let fieldPath = path + "." + key
            switch key {
            case "method":
                guard let text = string(value, path: fieldPath) else { continue }
                let method = text.uppercased()
                if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) {
                    call.method = method
                } else {
                    report(value, fieldPath, "\"\(text)\" is not one of GET, POST, PUT, PATCH, DELETE")
                }
            case "url":
                targets += 1
                if let url = template(value, path: fieldPath) { call.target = .url(url) }
            case "url_file":
                targets += 1
                if let file = nonEmpty(value, path: fieldPath) {
                    let resolved = resolve(file)
                    if !FileManager.default.isReadableFile(atPath: resolved) {
                        report(value, fieldPath, "cannot read \(resolved)")
                    }
                    call.target = .file(resolved)
                }
            case "headers":
                guard let headers = mapping(value, path: fieldPath) else { continue }
                for (name, header) in headers {
                    if let text = template(header, path: fieldPath + "." + name) { call.headers[name] = text }
                }
            case "header_files":
                guard let headers = mapping(value, path: fieldPath) else { continue }
                for (name, header) in headers {
                    guard let file = nonEmpty(header, path: fieldPath + "." + name) else { continue }
                    let resolved = resolve(file)
                    if !FileManager.default.isReadableFile(atPath: resolved) {
                        report(header, fieldPath + "." + name, "cannot read \(resolved)")
                    }
                    call.headerFiles[name] = resolved
                }
            case "body": call.body = template(value, path: fieldPath)
            case "content_type": if let text = nonEmpty(value, path: fieldPath) { call.contentType = text }
            case "attempts": if let count = integer(value, path: fieldPath, range: 1...20) { call.attempts = count }
            case "timeout":
                if let timeout = duration(value, path: fieldPath, minimum: .milliseconds(100)) {
                    call.timeout = timeout
                }
            default: unknownKey(key, value, path: path)
            }
        }
        if targets != 1 { report(node, path, "set exactly one of url and url_file") }
        return targets == 1 ? call : nil
    }

    private mutating func readExecStep(_ node: Node, path: String) -> ExecSpecification? {
        guard let fields = mapping(node, path: path) else { return nil }
        var command: [RunbookTemplate]?
        var exec = ExecSpecification(command: [])
        for (key, value) in fields {
            let fieldPath = path + "." + key
            switch key {
            case "command":
                guard let items = sequence(value, path: fieldPath) else {
                    report(value, fieldPath, "the command is a list (argv), never run through a shell")
                    continue
                }
                command = items.enumerated().compactMap { index, item in template(item, path: "\(fieldPath)[\(index)]")
                }
                if items.isEmpty { report(value, fieldPath, "the command needs at least the program") }
            case "timeout":
                if let timeout = duration(value, path: fieldPath, minimum: .milliseconds(100)) {
                    exec.timeout = timeout
                }
            case "environment":
                guard let variables = mapping(value, path: fieldPath) else { continue }
                for (name, variable) in variables {
                    if let text = template(variable, path: fieldPath + "." + name) { exec.environment[name] = text }
                }
            case "working_directory": exec.workingDirectory = nonEmpty(value, path: fieldPath).map(resolve)
            default: unknownKey(key, value, path: path)
            }
        }
        guard let command, !command.isEmpty else {
            if !fields.contains(where: { $0.0 == "command" }) { report(node, path + ".command", "required") }
            return nil
        }
        if !command[0].isLiteral { report(node, path + ".command[0]", "the program itself must not be a template") }
        exec.command = command
        return exec
    }

    // MARK: Checks across sections

    /// Checks what needs every section: provider names, holds against the reopen window.
    mutating func crossCheck(_ configuration: inout FailoverConfiguration) {
        let known = Set(configuration.providers.map(\.name))
        for reference in providerReferences where !known.contains(reference.name) {
            let list = known.isEmpty ? "none is configured" : "configured: " + known.sorted().joined(separator: ", ")
            report(reference.node, reference.path, "unknown provider \"\(reference.name)\" (\(list))")
        }
        for hold in holds where hold.hold < configuration.ingest.reopenWindow {
            warnings.append(
                ConfigurationProblem(
                    line: hold.node.mark?.line, column: hold.node.mark?.column, path: hold.path,
                    message:
                        "hold \(hold.hold) is shorter than ingest.reopen_window \(configuration.ingest.reopenWindow): "
                        + "a stale firing from an HA peer is not yet told from a real one when failback starts"))
        }
    }

    /// Template references that cannot exist: labels the matchers force to be empty are errors; labels that
    /// neither a matcher nor the key guarantees are warnings (they render empty when missing).
    private mutating func checkTemplates(of runbook: RunbookDefinition, node: Node, path: String) {
        let guaranteed = runbook.matchers.guaranteedLabels.union(runbook.keyLabels)
        let forcedEmpty = Set(
            runbook.matchers.matchers.filter { $0.op == .equal && $0.value.isEmpty }.map(\.name))
        var seen = Set<String>()
        for template in runbook.templates {
            for reference in template.labelReferences where seen.insert(reference).inserted {
                if forcedEmpty.contains(reference) {
                    report(
                        node, path,
                        "template {{ labels.\(reference) }} cannot exist: the matchers require \(reference)=\"\"")
                } else if !guaranteed.contains(reference) {
                    warnings.append(
                        ConfigurationProblem(
                            line: node.mark?.line, column: node.mark?.column, path: path,
                            message:
                                "template {{ labels.\(reference) }}: no matcher or key label guarantees \(reference); it renders empty when an alert lacks it"
                        ))
                }
            }
        }
    }

    // MARK: Values

    mutating func sequence(_ node: Node, path: String) -> [Node]? {
        guard case .sequence(let items) = node else {
            report(node, path, "expected a list")
            return nil
        }
        return Array(items)
    }

    mutating func boolean(_ node: Node, path: String) -> Bool? {
        guard case .scalar(let scalar) = node else {
            report(node, path, "expected true or false")
            return nil
        }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(node, path, "expected true or false")
            return nil
        }
    }

    mutating func nonEmpty(_ node: Node, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        guard !text.isEmpty else {
            report(node, path, "must not be empty")
            return nil
        }
        return text
    }

    mutating func template(_ node: Node, path: String) -> RunbookTemplate? {
        guard let text = string(node, path: path) else { return nil }
        do {
            return try RunbookTemplate(parsing: text)
        } catch {
            report(node, path, "invalid template: \(error.message)", offset: error.offset)
            return nil
        }
    }

    /// Reports a problem inside a scalar: the column points at `offset` characters into its text.
    mutating func report(_ node: Node, _ path: String, _ message: String, offset: Int) {
        var column = node.mark?.column
        if case .scalar(let scalar) = node, let start = column {
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            column = start + offset + (quoted ? 1 : 0)
        }
        problems.append(ConfigurationProblem(line: node.mark?.line, column: column, path: path, message: message))
    }

    /// Whether an `A` target is an IPv4 address and an `AAAA` target an IPv6 one (other types: any text).
    static func fits(_ target: String, _ type: DNSRecordType) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        switch type {
        case .a: return inet_pton(AF_INET, target, &buffer) == 1
        case .aaaa: return inet_pton(AF_INET6, target, &buffer) == 1
        default: return true
        }
    }

    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 48 && first <= 57) else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
        }
    }
}

extension RunbookTemplate {
    /// A template with no text.
    static let empty = try! RunbookTemplate(parsing: "")

    /// The label names it references.
    var labelReferences: [String] {
        references.compactMap { entry in
            if case .label(let name) = entry.reference { return name }
            return nil
        }
    }
}

extension RunbookDefinition {
    /// Every template of the runbook's steps (failback included).
    var templates: [RunbookTemplate] {
        func collect(_ steps: [RunbookStep]) -> [RunbookTemplate] {
            steps.flatMap { step -> [RunbookTemplate] in
                switch step.action {
                case .dns, .wait: []
                case .httpCheck(let check): [check.url]
                case .http(let call):
                    {
                        var all = Array(call.headers.values)
                        if case .url(let url) = call.target { all.append(url) }
                        if let body = call.body { all.append(body) }
                        return all
                    }()
                case .exec(let exec): exec.command + Array(exec.environment.values)
                case .parallel(let children): collect(children)
                }
            }
        }
        return collect(steps) + collect(failback.steps)
    }
}
