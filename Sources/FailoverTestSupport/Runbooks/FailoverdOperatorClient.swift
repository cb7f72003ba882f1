import Foundation

/// A test's client of one running failoverd on 127.0.0.1: it posts webhooks with the webhook credential and reads
/// the operator API (runbooks, incidents, executions, audit trail, deliveries, metrics) into typed snapshots.
///
/// Every request is a fresh connection (``TestHTTP``); an answer other than 200 is a ``FailoverdAPIError`` that
/// carries the status and body.
public struct FailoverdOperatorClient: Sendable {
    /// The port failoverd listens on.
    public var port: UInt16
    /// The bearer token of `server.auth.webhook`, sent with every webhook; `nil` when the webhook is open.
    public var webhookToken: String?
    /// The bearer token of `server.auth.admin`, sent with every read; `nil` when reads are open.
    public var adminToken: String?

    /// Creates a client of the failoverd on `port`.
    public init(port: UInt16, webhookToken: String? = nil, adminToken: String? = nil) {
        self.port = port
        self.webhookToken = webhookToken
        self.adminToken = adminToken
    }

    // MARK: Webhooks

    /// Posts `body` to `/webhook` as Alertmanager does and returns the answer, whatever its status.
    public func postWebhook(_ body: AlertmanagerWebhookBody) async throws -> TestHTTPResponse {
        let headers = webhookToken.map { [("Authorization", "Bearer \($0)")] } ?? []
        return try await TestHTTP.postJSON(port: port, "/webhook", try body.bytes(), headers: headers)
    }

    // MARK: Runbooks

    /// Every runbook key of every runbook (`GET /api/v1/runbooks`).
    public func runbookKeys() async throws -> [RunbookKeySnapshot] {
        struct Listing: Decodable {
            struct Runbook: Decodable {
                struct Key: Decodable { var state: RunbookKeySnapshot }
                var keys: [Key]
            }
            var runbooks: [Runbook]
        }
        let listing: Listing = try await decoded("/api/v1/runbooks")
        return listing.runbooks.flatMap { $0.keys.map(\.state) }
    }

    /// The incidents, newest first (`GET /api/v1/incidents`).
    public func incidents() async throws -> [IncidentSnapshot] {
        struct Listing: Decodable { var incidents: [IncidentSnapshot] }
        let listing: Listing = try await decoded("/api/v1/incidents?limit=1000")
        return listing.incidents
    }

    /// The executions without their steps, newest first (`GET /api/v1/executions`).
    public func executions() async throws -> [ExecutionSnapshot] {
        struct Listing: Decodable { var executions: [ExecutionSnapshot] }
        let listing: Listing = try await decoded("/api/v1/executions?limit=1000")
        return listing.executions
    }

    /// One execution with its step records (`GET /api/v1/executions/{id}`).
    public func execution(_ id: Int64) async throws -> ExecutionSnapshot {
        try await decoded("/api/v1/executions/\(id)")
    }

    /// Waits until an execution of `kind` exists and is over (succeeded, failed, cancelled or suppressed), and
    /// returns it with its steps.
    public func waitForFinishedExecution(
        kind: String, within timeout: Duration
    ) async throws -> ExecutionSnapshot {
        let id = try await PollingDeadline.wait(for: "a finished \(kind) execution", within: timeout) {
            try await executions().first { $0.kind == kind && $0.isFinal }?.id
        }
        return try await execution(id)
    }

    // MARK: Audit

    /// The whole audit trail, oldest first (`GET /api/v1/audit?format=ndjson`).
    public func auditTrail() async throws -> [AuditRecordSnapshot] {
        let text = try await text("/api/v1/audit?format=ndjson")
        var events: [AuditRecordSnapshot] = []
        for line in text.split(separator: "\n") where !line.isEmpty {
            guard let event = AuditRecordSnapshot(json: String(line)) else {
                throw FailoverdAPIError("an audit line is not an event: \(line)")
            }
            events.append(event)
        }
        return events.sorted { $0.id < $1.id }
    }

    /// The audit events of one type, oldest first.
    public func auditEvents(type: String) async throws -> [AuditRecordSnapshot] {
        try await auditTrail().filter { $0.type == type }
    }

    /// The hash chain's check (`GET /api/v1/audit/verify`): whether it is intact and how many events it covers.
    public func verifyAudit() async throws -> (intact: Bool, events: Int, result: String) {
        struct Verification: Decodable {
            var intact: Bool
            var events: Int
            var result: String
        }
        let verification: Verification = try await decoded("/api/v1/audit/verify")
        return (verification.intact, verification.events, verification.result)
    }

    // MARK: Deliveries and metrics

    /// How many webhook deliveries failoverd stored (`GET /api/v1/deliveries`, up to 1000).
    public func deliveryCount() async throws -> Int {
        struct Listing: Decodable {
            struct Delivery: Decodable { var id: Int64 }
            var deliveries: [Delivery]
        }
        let listing: Listing = try await decoded("/api/v1/deliveries?limit=1000")
        return listing.deliveries.count
    }

    /// The sum of every series of the metric `name` whose labels contain `labelText` (all series when `nil`), read
    /// from `/metrics`; 0 when there is none.
    public func metric(_ name: String, labelsContaining labelText: String? = nil) async throws -> Double {
        let text = try await text("/metrics")
        var total = 0.0
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            if let labelText, !line.contains(labelText) { continue }
            total += line.split(separator: " ").last.flatMap { Double($0) } ?? 0
        }
        return total
    }

    // MARK: Requests

    private var readHeaders: [(String, String)] {
        adminToken.map { [("Authorization", "Bearer \($0)")] } ?? []
    }

    private func text(_ path: String) async throws -> String {
        let response = try await TestHTTP.send(port: port, "GET", path, headers: readHeaders)
        guard response.status == 200 else {
            throw FailoverdAPIError("GET \(path) answered \(response.status): \(response.text)")
        }
        return response.text
    }

    private func decoded<Value: Decodable>(_ path: String) async throws -> Value {
        let response = try await TestHTTP.send(port: port, "GET", path, headers: readHeaders)
        guard response.status == 200 else {
            throw FailoverdAPIError("GET \(path) answered \(response.status): \(response.text)")
        }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(response.body))
        } catch {
            throw FailoverdAPIError("GET \(path): cannot read the answer (\(error)): \(response.text.prefix(2000))")
        }
    }
}
