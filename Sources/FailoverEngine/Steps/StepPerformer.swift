import FailoverCore
import Foundation
import Logging

/// Carries out one step's action through the ports and describes the outcome as a ``StepResult``.
///
/// Dry runs: `dns` reads and plans, `http_check` checks (it changes nothing), `http`, `exec` and `wait` only say what
/// they would do.
struct StepPerformer: Sendable {
    let dns: any DNSProviderDirectory
    let http: any StepHTTPClient
    let processes: any StepProcessLauncher
    let configuration: EngineConfiguration
    let logger: Logger

    /// One line saying what the step is about to do (recorded when it starts).
    func describe(_ step: RunbookStep, context: TemplateContext, dryRun: Bool) -> String {
        let prefix = dryRun ? "dry run: " : ""
        switch step.action {
        case .dns(let dns):
            return prefix
                + "\(dns.provider): \(dns.name).\(dns.zone) \(dns.type) -> \(dns.targets.joined(separator: ", ")) ttl=\(dns.ttl)"
        case .httpCheck(let check):
            return prefix + "check GET \(check.url.render(context, escaping: .none)) expects \(check.expectStatus)"
        case .http(let call):
            return prefix + "\(call.method) \(Self.describe(call.target, context))"
        case .exec(let exec):
            return prefix + "run " + exec.command.map { $0.render(context, escaping: .none) }.joined(separator: " ")
        case .wait(let duration):
            return prefix + "wait \(duration)"
        case .parallel(let children):
            return prefix + "\(children.count) steps in parallel"
        }
    }

    /// Runs the step.
    func perform(
        _ step: RunbookStep, path: String, context: TemplateContext, dryRun: Bool, executionID: Int64
    ) async -> StepResult {
        switch step.action {
        case .dns(let specification):
            return await performDNS(specification, path: path, dryRun: dryRun)
        case .httpCheck(let check):
            return await performCheck(check, path: path, context: context)
        case .http(let call):
            if dryRun {
                return StepResult(
                    path: path, state: .skipped, attempts: 0,
                    summary: "dry run: would send \(call.method) \(Self.describe(call.target, context))")
            }
            return await performCall(call, path: path, context: context, executionID: executionID)
        case .exec(let exec):
            let argv = exec.command.map { $0.render(context, escaping: .none) }
            if dryRun {
                return StepResult(
                    path: path, state: .skipped, attempts: 0,
                    summary: "dry run: would run \(argv.joined(separator: " "))",
                    detail: ["argv": .array(argv.map(AuditValue.string))])
            }
            return await performExec(exec, argv: argv, path: path, context: context, executionID: executionID)
        case .wait(let duration):
            if dryRun {
                return StepResult(path: path, state: .skipped, attempts: 0, summary: "dry run: would wait \(duration)")
            }
            try? await Task.sleep(for: duration)
            return StepResult(path: path, state: .succeeded, attempts: 1, summary: "waited \(duration)")
        case .parallel:
            // Groups are run by the execution runner, child by child.
            return StepResult(path: path, state: .failed, attempts: 0, summary: "a parallel group is not a single step")
        }
    }

    // MARK: dns

    private func performDNS(_ specification: DNSStepSpecification, path: String, dryRun: Bool) async -> StepResult {
        guard let provider = dns.provider(named: specification.provider) else {
            return StepResult(
                path: path, state: .failed, attempts: 0,
                summary: "provider \(specification.provider) is not configured",
                error: "provider \(specification.provider) is not configured")
        }
        let outcome = await provider.setRecords(
            zone: specification.zone, name: specification.name, type: specification.type,
            targets: specification.targets, ttl: specification.ttl, dryRun: dryRun)
        var detail: [String: AuditValue] = [
            "provider": .string(specification.provider),
            "record": .string("\(specification.name).\(specification.zone) \(specification.type)"),
            "before": .array(outcome.before.map(AuditValue.string)),
            "after": .array(outcome.after.map(AuditValue.string)),
            "planned": .array(outcome.planned.map(AuditValue.string)),
            "applied": .array(outcome.applied.map(AuditValue.string)),
            "no_change": .bool(outcome.noChange),
            "request_ids": .array(outcome.requestIDs.map(AuditValue.string)),
            "requests": .integer(Int64(outcome.requestCount)),
        ]
        if dryRun { detail["dry_run"] = .bool(true) }
        return StepResult(
            path: path, state: outcome.succeeded ? (dryRun && !outcome.noChange ? .skipped : .succeeded) : .failed,
            attempts: max(1, outcome.requestCount), summary: outcome.summary, error: outcome.error, detail: detail)
    }

    // MARK: http_check

    private func performCheck(
        _ check: HTTPCheckSpecification, path: String, context: TemplateContext
    ) async -> StepResult {
        let url = check.url.render(context, escaping: .none)
        var last = ""
        for attempt in 1...max(1, check.attempts) {
            do {
                let response = try await http.send(
                    StepHTTPRequest(method: "GET", url: url, timeout: check.timeout, attempts: 1, idempotent: true))
                if response.status == check.expectStatus {
                    return StepResult(
                        path: path, state: .succeeded, attempts: attempt,
                        summary: "\(url) answered \(response.status)",
                        detail: ["status": .integer(Int64(response.status))])
                }
                last = "answered \(response.status), expected \(check.expectStatus)"
            } catch {
                last = error.message
            }
            if attempt < check.attempts { try? await Task.sleep(for: check.interval) }
            if Task.isCancelled { break }
        }
        return StepResult(
            path: path, state: .failed, attempts: check.attempts,
            summary: "\(url) is not healthy after \(check.attempts) tries: \(last)",
            error: "precondition failed: \(url) \(last); not acting on an unhealthy target")
    }

    // MARK: http

    private func performCall(
        _ call: HTTPCallSpecification, path: String, context: TemplateContext, executionID: Int64
    ) async -> StepResult {
        let url: String
        switch call.target {
        case .url(let template): url = template.render(context, escaping: .none)
        case .file(let file):
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                return StepResult(
                    path: path, state: .failed, attempts: 0, summary: "cannot read the URL file \(file)",
                    error: "cannot read the URL file \(file)")
            }
            url = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var headers: [String: String] = [
            "Content-Type": call.contentType, "Idempotency-Key": "failoverd-\(executionID)-\(path)",
            "X-Failoverd-Execution-Id": "\(executionID)", "X-Failoverd-Step-Id": path,
        ]
        for (name, value) in call.headers { headers[name] = value.render(context, escaping: .none) }
        for (name, file) in call.headerFiles {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                return StepResult(
                    path: path, state: .failed, attempts: 0, summary: "cannot read the header file \(file)",
                    error: "cannot read the header file \(file) for \(name)")
            }
            headers[name] = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let escaping: TemplateEscaping = call.contentType.lowercased().contains("json") ? .json : .none
        let body = call.body.map { Array($0.render(context, escaping: escaping).utf8) }
        let target = Self.describe(call.target, context)
        do {
            let response = try await http.send(
                StepHTTPRequest(
                    method: call.method, url: url, headers: headers, body: body, timeout: call.timeout,
                    attempts: call.attempts, idempotent: true))
            let detail: [String: AuditValue] = [
                "status": .integer(Int64(response.status)),
                "response": .string(String(response.bodyPrefix.prefix(512))),
            ]
            if (200..<300).contains(response.status) {
                return StepResult(
                    path: path, state: .succeeded, attempts: response.attempts,
                    summary: "\(call.method) \(target) answered \(response.status)", detail: detail)
            }
            return StepResult(
                path: path, state: .failed, attempts: response.attempts,
                summary: "\(call.method) \(target) answered \(response.status)",
                error: "\(call.method) \(target) answered \(response.status)", detail: detail)
        } catch {
            return StepResult(
                path: path, state: .failed, attempts: error.attempts,
                summary: "\(call.method) \(target) failed: \(error.message)", error: error.message)
        }
    }

    /// The URL for logs and audit: a URL read from a file is a secret, so only the file is named.
    static func describe(_ target: HTTPCallSpecification.Target, _ context: TemplateContext) -> String {
        switch target {
        case .url(let template): template.render(context, escaping: .none)
        case .file(let file): "(URL from \(file))"
        }
    }

    // MARK: exec

    private func performExec(
        _ exec: ExecSpecification, argv: [String], path: String, context: TemplateContext, executionID: Int64
    ) async -> StepResult {
        var environment = configuration.baseEnvironment
        for (name, value) in context.labels {
            environment["FAILOVERD_LABEL_" + Self.environmentName(name)] = value
        }
        environment["FAILOVERD_EXECUTION_ID"] = "\(executionID)"
        environment["FAILOVERD_STEP_ID"] = path
        environment["FAILOVERD_RUNBOOK"] = context.runbook
        environment["FAILOVERD_KIND"] = context.executionKind
        if let incident = context.incidentID { environment["FAILOVERD_INCIDENT_ID"] = "\(incident)" }
        for (name, value) in exec.environment { environment[name] = value.render(context, escaping: .none) }
        do {
            let result = try await processes.launch(
                StepProcessRequest(
                    arguments: argv, environment: environment, workingDirectory: exec.workingDirectory,
                    timeout: exec.timeout))
            let output = String(result.output.utf8.suffix(configuration.outputLimit)) ?? ""
            let how: String
            if result.timedOut {
                how = "timed out after \(exec.timeout) and was killed"
            } else if let status = result.exitStatus {
                how = "exited \(status)"
            } else {
                how = "was killed by signal \(result.signal ?? 0)"
            }
            var detail: [String: AuditValue] = [
                "argv": .array(argv.map(AuditValue.string)), "output": .string(output),
                "output_truncated": .bool(result.outputTruncated || output.utf8.count < result.output.utf8.count),
                "timed_out": .bool(result.timedOut),
            ]
            if let status = result.exitStatus { detail["exit_status"] = .integer(Int64(status)) }
            if let signal = result.signal { detail["signal"] = .integer(Int64(signal)) }
            return StepResult(
                path: path, state: result.succeeded ? .succeeded : .failed, attempts: 1,
                summary: "\(argv.first ?? "") \(how)", error: result.succeeded ? nil : "\(argv.first ?? "") \(how)",
                detail: detail)
        } catch {
            return StepResult(
                path: path, state: .failed, attempts: 1, summary: "cannot run \(argv.first ?? ""): \(error.message)",
                error: error.message)
        }
    }

    /// `FAILOVERD_LABEL_<NAME>`: the label name upper-cased, anything but letters and digits as `_`.
    static func environmentName(_ label: String) -> String {
        String(
            label.uppercased().unicodeScalars.map { scalar in
                (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar)
                    ? Character(scalar) : "_"
            })
    }
}
