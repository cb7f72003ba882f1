import FailoverCore
import FailoverHTTPServer
import FailoverStore
import Foundation

/// Runbooks for operators: what each key is doing and which side serves, incidents, executions with their steps,
/// and the actions (execute, failback, pause, resume, cancel).
///
/// Reads need the read (or admin) credential; actions need the admin credential: 401 without, 403 with another
/// one. Bad input is 400 naming the field, an unknown runbook or execution 404, an action the state forbids 409
/// saying why. Every action is audited with the credential's name.
struct RunbookController: Sendable {
    let store: StateStore
    let ledger: RunbookLedger
    let policy: RunbookPolicy
    let access: AccessPolicy
    let wake: @Sendable () -> Void

    func register(in router: inout HTTPRouter) {
        router.on(.get, "/api/v1/runbooks") { request in try await runbooks(request) }
        router.on(.get, "/api/v1/incidents") { request in try await incidents(request) }
        router.on(.get, "/api/v1/executions") { request in try await executions(request) }
        router.on(.get, "/api/v1/executions/{id}") { request in try await execution(request) }
        router.on(.post, "/api/v1/runbooks/{name}/execute") { request in try await execute(request) }
        router.on(.post, "/api/v1/runbooks/{name}/failback") { request in try await failback(request) }
        router.on(.post, "/api/v1/runbooks/{name}/pause") { request in try await pause(request, paused: true) }
        router.on(.post, "/api/v1/runbooks/{name}/resume") { request in try await pause(request, paused: false) }
        router.on(.post, "/api/v1/executions/{id}/cancel") { request in try await cancel(request) }
    }

    // MARK: Reads

    func runbooks(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        _ = try access.authorizeRead(request)
        _ = try QueryParameters(request, allowed: [])
        let catalog = policy.settings.catalog
        let (keys, pauses) = try await storage { () async throws(StoreError) in try await store.runbookKeys() }
        let recent = try await storage { () async throws(StoreError) in
            try await store.executions(RunbookRecordQuery(limit: 200))
        }
        let views = catalog.runbooks.map { runbook in
            let pause = pauses.first { $0.runbook == runbook.name }
            let own = keys.filter { $0.runbook == runbook.name }
            return RunbookOverview.Runbook(
                name: runbook.name, match: runbook.matchers.matchers.map(\.description), keyLabels: runbook.keyLabels,
                minFiring: "\(runbook.minFiring)", steps: runbook.steps.count,
                failbackMode: runbook.failback.mode.rawValue,
                failbackHold: "\(runbook.failback.hold)", failbackSteps: runbook.failback.steps.count,
                maxExecutions: runbook.maxExecutions.map { "\($0.count) per \($0.per)" },
                dryRun: runbook.dryRun || policy.settings.dryRun, paused: pause != nil, pause: pause,
                keys: own.map { key in
                    RunbookOverview.Key(
                        state: key,
                        lastExecutions: Array(
                            recent.filter { $0.runbook == runbook.name && $0.key == key.key }.prefix(5)))
                })
        }
        return try encode(RunbookOverview(runbooks: views, dryRun: policy.settings.dryRun))
    }

    func incidents(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        _ = try access.authorizeRead(request)
        let parameters = try QueryParameters(request, allowed: ["runbook", "state", "limit", "cursor"])
        let query = RunbookRecordQuery(
            runbook: try parameters.string("runbook"), state: try parameters.oneOf("state", ["open", "closed"]),
            before: try cursor(parameters), limit: try parameters.integer("limit", in: 1...1000, default: 100))
        let records = try await storage { () async throws(StoreError) in try await store.incidents(query) }
        return try encode(
            IncidentList(
                incidents: records, next: records.count == query.limit ? records.last.map { "\($0.id)" } : nil))
    }

    func executions(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        _ = try access.authorizeRead(request)
        let parameters = try QueryParameters(
            request, allowed: ["runbook", "state", "kind", "incident", "limit", "cursor"])
        let incidentText = try parameters.string("incident")
        guard incidentText.map({ Int64($0) != nil }) ?? true else {
            throw .badRequest("query parameter \"incident\" must be an incident id", reason: "bad_parameter")
        }
        let query = RunbookRecordQuery(
            runbook: try parameters.string("runbook"),
            state: try parameters.oneOf("state", ExecutionState.allCases.map(\.rawValue)),
            kind: try parameters.oneOf("kind", ExecutionKind.allCases.map(\.rawValue)).flatMap(ExecutionKind.init),
            incident: incidentText.flatMap { Int64($0) }, before: try cursor(parameters),
            limit: try parameters.integer("limit", in: 1...1000, default: 100))
        let records = try await storage { () async throws(StoreError) in try await store.executions(query) }
        return try encode(
            ExecutionList(
                executions: records, next: records.count == query.limit ? records.last.map { "\($0.id)" } : nil))
    }

    func execution(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        _ = try access.authorizeRead(request)
        _ = try QueryParameters(request, allowed: [])
        let id = try executionID(request)
        guard let record = try await storage({ () async throws(StoreError) in try await store.execution(id: id) })
        else {
            throw .notFound("no execution \(id)")
        }
        return try encode(record)
    }

    // MARK: Actions

    func execute(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await keyAction(request, kind: .failover)
    }

    func failback(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        try await keyAction(request, kind: .failback)
    }

    /// An operator's failover or failback of one runbook key: `{"labels":{…},"dry_run":…,"force":…}`.
    private func keyAction(_ request: HTTPRequest, kind: ExecutionKind) async throws(HTTPError) -> HTTPResponse {
        let actor = try access.authorizeAdmin(request)
        let runbook = try runbook(request)
        let body = try ActionBody(request, allowed: ["labels", "dry_run", "force"])
        let key = try body.key(for: runbook)
        let operatorRequest = OperatorRequest(
            actor: actor, dryRun: try body.flag("dry_run"), force: try body.flag("force"))
        let result = try await acting { () async throws(IngestError) in
            switch kind {
            case .failover:
                try await ledger.requestFailover(runbook: runbook, key: key, request: operatorRequest, now: Self.now())
            case .failback:
                try await ledger.requestFailback(runbook: runbook, key: key, request: operatorRequest, now: Self.now())
            }
        }
        return try answer(result, runbook: runbook, key: key)
    }

    func pause(_ request: HTTPRequest, paused: Bool) async throws(HTTPError) -> HTTPResponse {
        let actor = try access.authorizeAdmin(request)
        let runbook = try runbook(request)
        let body = try ActionBody(request, allowed: paused ? ["reason"] : [])
        let reason = try body.string("reason")
        let changed = try await acting { () async throws(IngestError) in
            paused
                ? try await ledger.pause(runbook: runbook.name, actor: actor, reason: reason, now: Self.now())
                : try await ledger.resume(runbook: runbook.name, actor: actor, now: Self.now())
        }
        if !changed {
            throw .conflict(
                "runbook \(runbook.name) is \(paused ? "already paused" : "not paused")", reason: "state_conflict")
        }
        return try encode(PauseAnswer(runbook: runbook.name, paused: paused))
    }

    func cancel(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let actor = try access.authorizeAdmin(request)
        let id = try executionID(request)
        _ = try ActionBody(request, allowed: [])
        let outcome = try await acting { () async throws(IngestError) in
            try await ledger.cancel(executionID: id, actor: actor, now: Self.now())
        }
        switch outcome {
        case .unknown: throw .notFound("no execution \(id)")
        case .alreadyFinal(let state):
            throw .conflict("execution \(id) has already ended: \(state.rawValue)", reason: "state_conflict")
        case .cancelled:
            wake()
            return try encode(CancelAnswer(execution: id, state: "cancelled"))
        case .requested:
            return try encode(CancelAnswer(execution: id, state: "cancel_requested"))
        }
    }

    // MARK: Helpers

    private func answer(
        _ result: OperatorActionResult, runbook: RunbookDefinition, key: IncidentKey
    ) throws(HTTPError)
        -> HTTPResponse
    {
        if let refusal = result.refusal { throw .conflict(refusal, reason: "state_conflict") }
        wake()
        return try encode(
            ActionAnswer(
                runbook: runbook.name, key: key.map, execution: result.executionID, phase: result.phase?.rawValue),
            status: 202)
    }

    private func runbook(_ request: HTTPRequest) throws(HTTPError) -> RunbookDefinition {
        let name = request.parameters["name"] ?? ""
        guard let runbook = policy.settings.catalog.runbook(named: name) else {
            let known = policy.settings.catalog.runbooks.map(\.name)
            throw .notFound(
                "no runbook \"\(name)\"; configured: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
        }
        return runbook
    }

    private func executionID(_ request: HTTPRequest) throws(HTTPError) -> Int64 {
        let text = request.parameters["id"] ?? ""
        guard let id = Int64(text), id > 0 else {
            throw .badRequest("\"\(text)\" is not an execution id (a positive integer)", reason: "bad_parameter")
        }
        return id
    }

    private func cursor(_ parameters: QueryParameters) throws(HTTPError) -> Int64? {
        guard let text = try parameters.string("cursor") else { return nil }
        guard let value = Int64(text), value > 0 else {
            throw .badRequest(
                "query parameter \"cursor\" is \"\(text)\"; accepted: the \"next\" value of the previous page",
                reason: "bad_parameter")
        }
        return value
    }

    private func storage<T>(_ body: () async throws(StoreError) -> T) async throws(HTTPError) -> T {
        do {
            return try await body()
        } catch {
            throw .serviceUnavailable(error.message, reason: "storage_unavailable")
        }
    }

    private func acting<T>(_ body: () async throws(IngestError) -> T) async throws(HTTPError) -> T {
        do {
            return try await body()
        } catch {
            throw .serviceUnavailable(error.message, reason: error.reason, retryAfterSeconds: 1)
        }
    }

    private func encode(_ value: some Encodable, status: Int = 200) throws(HTTPError) -> HTTPResponse {
        do {
            return try .json(value, status: status)
        } catch {
            throw .internalServerError("cannot encode the answer")
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// The JSON body of an action, read strictly: unknown fields and wrong types are 400s naming the field.
struct ActionBody {
    private let object: [String: AuditValue]

    init(_ request: HTTPRequest, allowed: Set<String>) throws(HTTPError) {
        guard !request.body.isEmpty else {
            object = [:]
            return
        }
        do {
            object = try AuditDetail(storedJSON: String(decoding: request.body, as: UTF8.self)).values()
        } catch {
            throw .badRequest("the body must be a JSON object: \(error.message)", reason: "malformed_json")
        }
        for name in object.keys where !allowed.contains(name) {
            let list = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
            throw .badRequest("unknown field \"\(name)\"; accepted: \(list)", reason: "bad_field")
        }
    }

    func flag(_ name: String) throws(HTTPError) -> Bool {
        switch object[name] {
        case nil, .null: return false
        case .bool(let flag): return flag
        default: throw .badRequest("field \"\(name)\" must be true or false", reason: "bad_field")
        }
    }

    func string(_ name: String) throws(HTTPError) -> String? {
        switch object[name] {
        case nil, .null: return nil
        case .string(let text): return text
        default: throw .badRequest("field \"\(name)\" must be a string", reason: "bad_field")
        }
    }

    /// The runbook key from `labels`: every key label must be given, no other label.
    func key(for runbook: RunbookDefinition) throws(HTTPError) -> IncidentKey {
        var labels: [String: AuditValue] = [:]
        switch object["labels"] {
        case nil, .null: break
        case .object(let members): labels = members
        default: throw .badRequest("field \"labels\" must be an object of label names to values", reason: "bad_field")
        }
        var pairs: [(String, String)] = []
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            guard runbook.keyLabels.contains(name) else {
                throw .badRequest(
                    "labels.\(name) is not a key label of runbook \(runbook.name); its key labels: "
                        + runbook.keyLabels.joined(separator: ", "), reason: "bad_field")
            }
            guard case .string(let text) = value else {
                throw .badRequest("labels.\(name) must be a string", reason: "bad_field")
            }
            pairs.append((name, text))
        }
        for name in runbook.keyLabels where labels[name] == nil {
            throw .badRequest(
                "labels.\(name) is required: runbook \(runbook.name) is keyed by "
                    + runbook.keyLabels.joined(separator: ", "), reason: "bad_field")
        }
        return IncidentKey(pairs)
    }
}

private struct IncidentList: Encodable {
    var incidents: [IncidentRecord]
    var next: String?
}

private struct ExecutionList: Encodable {
    var executions: [ExecutionRecord]
    var next: String?
}

private struct ActionAnswer: Encodable {
    var runbook: String
    var key: [String: String]
    var execution: Int64?
    var phase: String?
}

private struct PauseAnswer: Encodable {
    var runbook: String
    var paused: Bool
}

private struct CancelAnswer: Encodable {
    var execution: Int64
    var state: String
}
