import FailoverHTTPServer
import Foundation
import Synchronization

/// The in-memory zones, records, faults and request log shared by a fake provider's handlers.
final class FakeProviderState: Sendable {
    struct Zone: Sendable {
        var id: Int
        var name: String
        var ttl: Int
        var records: [FakeDNSRecord]
    }

    struct Contents: Sendable {
        var zones: [Zone] = []
        var nextZoneID: Int
        var nextRecordID: Int
        var faults: [FakeFaultRule] = []
        var requests: [FakeRequestRecord] = []
        var maxPageSize: Int?
        var scope: FakeTokenScope = .readWrite
        var token: String
        var rateLimitRemaining: Int
        var stopping = false
    }

    let contents: Mutex<Contents>

    init(token: String, firstZoneID: Int, firstRecordID: Int, rateLimit: Int) {
        contents = Mutex(
            Contents(
                nextZoneID: firstZoneID, nextRecordID: firstRecordID, token: token, rateLimitRemaining: rateLimit))
    }

    func addZone(_ name: String, ttl: Int) -> Int {
        contents.withLock { state in
            let normalized = Self.normalize(name)
            if let existing = state.zones.first(where: { $0.name == normalized }) { return existing.id }
            let id = state.nextZoneID
            state.nextZoneID += 1
            state.zones.append(Zone(id: id, name: normalized, ttl: ttl, records: []))
            return id
        }
    }

    func hasZone(_ name: String) -> Bool {
        contents.withLock { state in state.zones.contains { $0.name == Self.normalize(name) } }
    }

    /// Adds a record to a zone; returns its id, or `nil` when the zone is unknown.
    func addRecord(zone: String, name: String, type: String, target: String, ttl: Int, priority: Int?) -> Int? {
        contents.withLock { state in
            guard let index = state.zones.firstIndex(where: { $0.name == Self.normalize(zone) }) else { return nil }
            let id = state.nextRecordID
            state.nextRecordID += 1
            state.zones[index].records.append(
                FakeDNSRecord(
                    id: id, name: Self.relative(name, zone: state.zones[index].name), type: type.uppercased(),
                    target: target, ttl: ttl, priority: priority))
            return id
        }
    }

    func records(zone: String, name: String?, type: String?) -> [FakeDNSRecord] {
        contents.withLock { state in
            guard let found = state.zones.first(where: { $0.name == Self.normalize(zone) }) else { return [] }
            return found.records.filter { record in
                (name.map { Self.relative($0, zone: found.name) == record.name } ?? true)
                    && (type.map { $0.uppercased() == record.type } ?? true)
            }
        }
    }

    /// Takes the fault that applies to this request, if any.
    func takeFault(method: String, path: String) -> FakeProviderFault? {
        contents.withLock { state in
            guard let index = state.faults.firstIndex(where: { $0.matches(method: method, path: path) }) else {
                return nil
            }
            let fault = state.faults[index].fault
            state.faults[index].remaining -= 1
            if state.faults[index].remaining <= 0 { state.faults.remove(at: index) }
            return fault
        }
    }

    /// Appends a request to the log and returns its index.
    func log(_ request: HTTPRequest) -> Int {
        contents.withLock { state in
            state.requests.append(
                FakeRequestRecord(
                    method: request.method, path: request.path, query: request.query, headers: request.headers,
                    body: String(decoding: request.body, as: UTF8.self), status: 0))
            return state.requests.count - 1
        }
    }

    func setStatus(_ status: Int, ofRequest index: Int) {
        contents.withLock { state in
            if index < state.requests.count { state.requests[index].status = status }
        }
    }

    var isStopping: Bool { contents.withLock { $0.stopping } }

    /// Lower-cases and drops trailing dots.
    static func normalize(_ name: String) -> String {
        var text = name.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The name relative to the zone: `@`, `""` and the zone itself are the apex; a name ending in the zone is cut.
    static func relative(_ name: String, zone: String) -> String {
        let text = normalize(name)
        if text == "@" || text.isEmpty || text == zone { return "" }
        if text.hasSuffix("." + zone) { return String(text.dropLast(zone.count + 1)) }
        return text
    }
}
