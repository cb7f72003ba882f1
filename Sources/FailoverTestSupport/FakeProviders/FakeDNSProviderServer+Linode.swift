import FailoverHTTPServer
import Foundation

extension FakeDNSProviderServer {
    /// Linode's allowed `ttl_sec` values; others are rounded up, 0 is the zone default.
    static let linodeTTLs = [
        0, 30, 120, 300, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 345600, 604800, 1209600, 2419200,
    ]

    static func addLinodeRoutes(to router: inout HTTPRouter, state: FakeProviderState) {
        let flavor = Flavor.linode
        router.on(
            .get, "/v4/domains",
            handler: route(flavor, state) { request in
                let filter = try linodeFilter(request)
                let zones = state.contents.withLock { $0.zones }.filter { zone in
                    filter["domain"].map { FakeProviderState.normalize($0) == zone.name } ?? true
                }
                return linodePage(zones.map(linodeDomainJSON), request: request, state: state)
            })
        router.on(
            .get, "/v4/domains/{domainId}",
            handler: route(flavor, state) { request in
                linodeDomainJSON(try linodeZone(request, state)).answer(flavor)
            })
        router.on(
            .get, "/v4/domains/{domainId}/records",
            handler: route(flavor, state) { request in
                let zone = try linodeZone(request, state)
                let filter = try linodeFilter(request)
                let records = zone.records.filter { record in
                    (filter["name"].map { $0.lowercased() == record.name } ?? true)
                        && (filter["type"].map { $0.uppercased() == record.type } ?? true)
                        && (filter["target"].map { $0 == record.target } ?? true)
                }
                return linodePage(records.map(linodeRecordJSON), request: request, state: state)
            })
        router.on(
            .post, "/v4/domains/{domainId}/records",
            handler: route(flavor, state) { request in
                let zone = try linodeZone(request, state)
                let body = try jsonObject(request, flavor: flavor)
                guard let type = (body["type"] as? String)?.uppercased(), !type.isEmpty else {
                    throw FakeAnswer(
                        response: flavor.errorResponse(status: 400, message: "type is required", field: "type"))
                }
                let target = try linodeTarget(body["target"], type: type, required: true) ?? ""
                let ttl = try linodeTTL(body["ttl_sec"]) ?? 0
                let name = FakeProviderState.normalize((body["name"] as? String) ?? "")
                let record = state.contents.withLock { contents -> FakeDNSRecord? in
                    guard let index = contents.zones.firstIndex(where: { $0.id == zone.id }) else { return nil }
                    let record = FakeDNSRecord(
                        id: contents.nextRecordID, name: name, type: type, target: target, ttl: ttl,
                        priority: body["priority"] as? Int)
                    contents.nextRecordID += 1
                    contents.zones[index].records.append(record)
                    return record
                }
                guard let record else {
                    throw FakeAnswer(response: flavor.errorResponse(status: 404, message: flavor.notFoundMessage))
                }
                return linodeRecordJSON(record).answer(flavor)
            })
        router.on(
            .get, "/v4/domains/{domainId}/records/{recordId}",
            handler: route(flavor, state) { request in
                let (_, record) = try linodeRecord(request, state)
                return linodeRecordJSON(record).answer(flavor)
            })
        router.on(
            .put, "/v4/domains/{domainId}/records/{recordId}",
            handler: route(flavor, state) { request in
                let (zone, existing) = try linodeRecord(request, state)
                let body = try jsonObject(request, flavor: flavor)
                var record = existing
                if let target = try linodeTarget(body["target"], type: record.type, required: false) {
                    record.target = target
                }
                if let ttl = try linodeTTL(body["ttl_sec"]) { record.ttl = ttl }
                if let name = body["name"] as? String { record.name = FakeProviderState.normalize(name) }
                if let priority = body["priority"] as? Int { record.priority = priority }
                let updated = record
                state.contents.withLock { contents in
                    guard let zoneIndex = contents.zones.firstIndex(where: { $0.id == zone.id }),
                        let index = contents.zones[zoneIndex].records.firstIndex(where: { $0.id == updated.id })
                    else { return }
                    contents.zones[zoneIndex].records[index] = updated
                }
                return linodeRecordJSON(updated).answer(flavor)
            })
        router.on(
            .delete, "/v4/domains/{domainId}/records/{recordId}",
            handler: route(flavor, state) { request in
                let (zone, record) = try linodeRecord(request, state)
                state.contents.withLock { contents in
                    guard let zoneIndex = contents.zones.firstIndex(where: { $0.id == zone.id }) else { return }
                    contents.zones[zoneIndex].records.removeAll { $0.id == record.id }
                }
                return FakeJSON.object([]).answer(flavor)
            })
    }

    /// `{"data": [...], "page": N, "pages": M, "results": K}` with `page`/`page_size` (25...500, default 100).
    private static func linodePage(
        _ items: [FakeJSON], request: HTTPRequest, state: FakeProviderState
    )
        -> HTTPResponse
    {
        var size = min(500, max(25, request.queryValue("page_size").flatMap(Int.init) ?? 100))
        if let cap = state.contents.withLock({ $0.maxPageSize }) { size = min(size, max(1, cap)) }
        let pages = max(1, (items.count + size - 1) / size)
        let page = max(1, request.queryValue("page").flatMap(Int.init) ?? 1)
        let slice = items.dropFirst((page - 1) * size).prefix(size)
        return FakeJSON.object([
            ("data", .array(Array(slice))), ("page", .int(page)), ("pages", .int(pages)),
            ("results", .int(items.count)),
        ]).answer(.linode)
    }

    private static func linodeFilter(_ request: HTTPRequest) throws -> [String: String] {
        guard let header = request.headers["X-Filter"] else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any] else {
            throw FakeAnswer(
                response: Flavor.linode.errorResponse(status: 400, message: "Invalid JSON", field: "X-Filter"))
        }
        var filter: [String: String] = [:]
        for (key, value) in object {
            guard let text = value as? String else {
                throw FakeAnswer(
                    response: Flavor.linode.errorResponse(
                        status: 400, message: "The fake supports string equality filters only", field: key))
            }
            filter[key] = text
        }
        return filter
    }

    private static func linodeZone(
        _ request: HTTPRequest, _ state: FakeProviderState
    ) throws
        -> FakeProviderState.Zone
    {
        let id = request.parameters["domainId"].flatMap(Int.init)
        guard let zone = state.contents.withLock({ $0.zones.first { $0.id == id } }) else {
            throw FakeAnswer(response: Flavor.linode.errorResponse(status: 404, message: Flavor.linode.notFoundMessage))
        }
        return zone
    }

    private static func linodeRecord(
        _ request: HTTPRequest, _ state: FakeProviderState
    ) throws
        -> (FakeProviderState.Zone, FakeDNSRecord)
    {
        let zone = try linodeZone(request, state)
        let id = request.parameters["recordId"].flatMap(Int.init)
        guard let record = zone.records.first(where: { $0.id == id }) else {
            throw FakeAnswer(response: Flavor.linode.errorResponse(status: 404, message: Flavor.linode.notFoundMessage))
        }
        return (zone, record)
    }

    /// Validates a target for the type as Linode does (addresses for A/AAAA); strips a host name's trailing dot.
    private static func linodeTarget(_ value: Any?, type: String, required: Bool) throws -> String? {
        guard let value else {
            if required {
                throw FakeAnswer(
                    response: Flavor.linode.errorResponse(
                        status: 400, message: "target is required for \(type) records", field: "target"))
            }
            return nil
        }
        guard var target = value as? String else {
            throw FakeAnswer(
                response: Flavor.linode.errorResponse(status: 400, message: "target must be a string", field: "target"))
        }
        if type == "A", !FakeAddress.isIPv4(target) {
            throw FakeAnswer(
                response: Flavor.linode.errorResponse(
                    status: 400, message: "You must provide a valid IPv4 address.", field: "target"))
        }
        if type == "AAAA", !FakeAddress.isIPv6(target) {
            throw FakeAnswer(
                response: Flavor.linode.errorResponse(
                    status: 400, message: "You must provide a valid IPv6 address.", field: "target"))
        }
        while target.hasSuffix(".") { target.removeLast() }
        return target
    }

    /// Rounds `ttl_sec` up to the next allowed value (capped at the largest); `nil` when absent.
    private static func linodeTTL(_ value: Any?) throws -> Int? {
        guard let value, !(value is NSNull) else { return nil }
        guard let ttl = value as? Int, ttl >= 0 else {
            throw FakeAnswer(
                response: Flavor.linode.errorResponse(
                    status: 400, message: "ttl_sec must be a non-negative integer", field: "ttl_sec"))
        }
        return ttl == 0 ? 0 : (linodeTTLs.first { $0 >= ttl } ?? linodeTTLs.last!)
    }

    /// A record in the 2024 wire shape (`linodego` cassettes): integers 0, not null; `service`/`protocol`/`tag` null.
    static func linodeRecordJSON(_ record: FakeDNSRecord) -> FakeJSON {
        .object([
            ("id", .int(record.id)), ("type", .string(record.type)), ("name", .string(record.name)),
            ("target", .string(record.target)), ("priority", .int(record.priority ?? 0)), ("weight", .int(0)),
            ("port", .int(0)), ("service", .null), ("protocol", .null), ("ttl_sec", .int(record.ttl)),
            ("tag", .null), ("created", .string("2018-01-02T03:04:05")), ("updated", .string("2018-01-02T03:04:05")),
        ])
    }

    /// A domain in the 2024 wire shape, with the `errors: ""` field the spec does not list.
    static func linodeDomainJSON(_ zone: FakeProviderState.Zone) -> FakeJSON {
        .object([
            ("id", .int(zone.id)), ("type", .string("master")), ("domain", .string(zone.name)), ("tags", .array([])),
            ("group", .string("")), ("status", .string("active")), ("errors", .string("")),
            ("description", .string("")), ("soa_email", .string("hostmaster@\(zone.name)")), ("retry_sec", .int(0)),
            ("master_ips", .array([])), ("axfr_ips", .array([])), ("expire_sec", .int(0)), ("refresh_sec", .int(0)),
            ("ttl_sec", .int(zone.ttl)), ("created", .string("2018-01-02T03:04:05")),
            ("updated", .string("2018-01-02T03:04:05")),
        ])
    }

    /// The request body as a JSON object; 400 in the flavour's shape otherwise.
    static func jsonObject(_ request: HTTPRequest, flavor: Flavor) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
            let status = flavor == .linode ? 400 : 422
            throw FakeAnswer(response: flavor.errorResponse(status: status, message: "Request body is not valid JSON"))
        }
        return object
    }
}

extension FakeJSON {
    /// A 200 JSON answer in the flavour's content type.
    func answer(_ flavor: FakeDNSProviderServer.Flavor, status: Int = 200) -> HTTPResponse {
        flavor.json(self, status: status)
    }
}
