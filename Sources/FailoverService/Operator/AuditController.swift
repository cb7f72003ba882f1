import FailoverCore
import FailoverHTTPServer
import FailoverStore
import Foundation

/// The audit trail for operators: `GET /api/v1/audit` (JSON pages, or the whole selection streamed as NDJSON or
/// CSV), `GET /api/v1/audit/{id}`, `GET /api/v1/audit/verify[?anchor=ID:HASH]`. Reads need the `server.auth.read` credential.
struct AuditController: Sendable {
    let store: StateStore
    let access: AccessPolicy

    /// Events per database read while streaming an export.
    static let exportPageSize = 1000

    func register(in router: inout HTTPRouter) {
        router.on(.get, "/api/v1/audit") { request in try await list(request) }
        // Before {id}: the first matching route answers.
        router.on(.get, "/api/v1/audit/verify") { request in try await verify(request) }
        router.on(.get, "/api/v1/audit/{id}") { request in try await event(request) }
    }

    func list(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        _ = try access.authorizeRead(request)
        let format = request.queryValue("format") ?? "json"
        guard ["json", "ndjson", "csv"].contains(format) else {
            throw .badRequest(
                "format: '\(format)' is not valid: json, ndjson or csv", reason: "bad_parameter")
        }
        let query: AuditQuery
        do {
            query = try AuditQuery(
                parameters: request.query.map { ($0.name, $0.value) },
                now: Int64(Date().timeIntervalSince1970 * 1000), ignoring: ["format"])
        } catch {
            throw .badRequest(error.message, reason: "bad_parameter")
        }
        switch format {
        case "ndjson":
            return export(query, contentType: "application/x-ndjson", header: nil) { $0.ndjsonLine }
        case "csv":
            return export(query, contentType: "text/csv; charset=utf-8", header: AuditEvent.csvHeader) {
                $0.csvRecord
            }
        default:
            let page = try await read { () async throws(StoreError) in try await store.auditPage(query) }
            var body = "{\"events\":["
            body += page.events.map(\.json).joined(separator: ",")
            body += "],\"next\":"
            body += page.next.map { JSONText.quote($0.encoded) } ?? "null"
            body += "}\n"
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: Array(body.utf8))
        }
    }

    /// Streams the whole selection page by page: memory holds one page, whatever the selection's size.
    private func export(
        _ query: AuditQuery, contentType: String, header: String?, line: @escaping @Sendable (AuditEvent) -> String
    ) -> HTTPResponse {
        let store = store
        return .streaming(headers: ["Content-Type": contentType]) { writer in
            if let header { try await writer.write(header) }
            var page = query
            page.limit = Self.exportPageSize
            while true {
                let result = try await store.auditPage(page)
                var chunk = ""
                for event in result.events { chunk += line(event) }
                try await writer.write(chunk)
                guard let next = result.next else { return }
                page.cursor = next
            }
        }
    }

    func event(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        _ = try access.authorizeRead(request)
        let text = request.parameters["id"] ?? ""
        guard let id = Int64(text), id > 0 else {
            throw .badRequest("id: '\(text)' is not valid: a positive integer", reason: "bad_parameter")
        }
        let found = try await read { () async throws(StoreError) in try await store.auditEvent(id: id) }
        guard let found else { throw .notFound("no audit event \(id)") }
        return HTTPResponse(
            status: 200, headers: ["Content-Type": "application/json"], body: Array((found.json + "\n").utf8))
    }

    /// The chain checked, with its head; `anchor=ID:HASH` (or `ID`) must be reached with that hash. Signed heads
    /// are checked by `failoverd audit verify --public-key` on the file, where the key is the verifier's own: an
    /// answer from the host under suspicion proves nothing about it.
    func verify(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        _ = try access.authorizeRead(request)
        var anchor: AuditAnchor?
        if let text = request.queryValue("anchor") {
            do {
                anchor = try AuditAnchor(parsing: text)
            } catch {
                throw .badRequest("anchor: \(error.message)", reason: "bad_parameter")
            }
        }
        let result = try await read { () async throws(StoreError) in try await store.verifyAuditLog(anchor: anchor) }
        return HTTPResponse(
            status: 200, headers: ["Content-Type": "application/json"], body: Array((result.json + "\n").utf8))
    }

    private func read<T>(_ body: () async throws(StoreError) -> T) async throws(HTTPError) -> T {
        do {
            return try await body()
        } catch {
            throw .serviceUnavailable(error.message, reason: "storage_unavailable")
        }
    }
}
