import FailoverHTTPServer
import Foundation

extension FakeDNSProviderServer {
    /// Types whose data is a host name: DigitalOcean wants it fully qualified with a trailing dot on write.
    static let digitalOceanHostNameTypes: Set<String> = ["CNAME", "MX", "NS", "SRV"]

    static func addDigitalOceanRoutes(to router: inout HTTPRouter, state: FakeProviderState) {
        let flavor = Flavor.digitalOcean
        router.on(
            .get, "/v2/domains/{domain}",
            handler: route(flavor, state) { request in
                let zone = try digitalOceanZone(request, state)
                return FakeJSON.object([
                    (
                        "domain",
                        .object([
                            ("name", .string(zone.name)), ("ttl", .int(zone.ttl)),
                            ("zone_file", .string(zoneFile(zone))),
                        ])
                    )
                ]).answer(flavor)
            })
        router.on(
            .get, "/v2/domains/{domain}/records",
            handler: route(flavor, state) { request in
                let zone = try digitalOceanZone(request, state)
                var records = zone.records
                if let type = request.queryValue("type") { records = records.filter { $0.type == type.uppercased() } }
                if let name = request.queryValue("name") {
                    // The filter takes the fully qualified name; a name outside the zone matches nothing.
                    let fqdn = FakeProviderState.normalize(name)
                    records = records.filter { record in
                        (record.name.isEmpty ? zone.name : "\(record.name).\(zone.name)") == fqdn
                    }
                }
                return digitalOceanPage(records, zone: zone, request: request, state: state)
            })
        router.on(
            .post, "/v2/domains/{domain}/records",
            handler: route(flavor, state) { request in
                let zone = try digitalOceanZone(request, state)
                let body = try jsonObject(request, flavor: flavor)
                guard let type = (body["type"] as? String)?.uppercased(), !type.isEmpty else {
                    throw unprocessable("Type is required.")
                }
                guard let name = body["name"] as? String, !name.isEmpty else {
                    throw unprocessable("Name is required.")
                }
                let data = try digitalOceanData(body["data"], type: type, zone: zone, required: true) ?? ""
                let ttl = try digitalOceanTTL(body["ttl"]) ?? 1800
                let record = state.contents.withLock { contents -> FakeDNSRecord? in
                    guard let index = contents.zones.firstIndex(where: { $0.id == zone.id }) else { return nil }
                    let record = FakeDNSRecord(
                        id: contents.nextRecordID, name: FakeProviderState.relative(name, zone: zone.name), type: type,
                        target: data, ttl: ttl, priority: body["priority"] as? Int)
                    contents.nextRecordID += 1
                    contents.zones[index].records.append(record)
                    return record
                }
                guard let record else {
                    throw FakeAnswer(response: flavor.errorResponse(status: 404, message: flavor.notFoundMessage))
                }
                return FakeJSON.object([("domain_record", digitalOceanRecordJSON(record))]).answer(flavor, status: 201)
            })
        router.on(
            .get, "/v2/domains/{domain}/records/{recordId}",
            handler: route(flavor, state) { request in
                let (_, record) = try digitalOceanRecord(request, state)
                return FakeJSON.object([("domain_record", digitalOceanRecordJSON(record))]).answer(flavor)
            })
        let update: HTTPHandler = route(flavor, state) { request in
            let (zone, existing) = try digitalOceanRecord(request, state)
            let body = try jsonObject(request, flavor: flavor)
            var record = existing
            if let type = (body["type"] as? String)?.uppercased(), type != record.type {
                throw unprocessable("Type cannot be changed.")
            }
            // PUT replaces the record: host-name data must be re-sent with its dot (doctl#919).
            let required = request.method == .put && digitalOceanHostNameTypes.contains(record.type)
            if let data = try digitalOceanData(body["data"], type: record.type, zone: zone, required: required) {
                record.target = data
            }
            if let ttl = try digitalOceanTTL(body["ttl"]) { record.ttl = ttl }
            if let name = body["name"] as? String { record.name = FakeProviderState.relative(name, zone: zone.name) }
            let updated = record
            state.contents.withLock { contents in
                guard let zoneIndex = contents.zones.firstIndex(where: { $0.id == zone.id }),
                    let index = contents.zones[zoneIndex].records.firstIndex(where: { $0.id == updated.id })
                else { return }
                contents.zones[zoneIndex].records[index] = updated
            }
            return FakeJSON.object([("domain_record", digitalOceanRecordJSON(updated))]).answer(flavor)
        }
        router.on(.put, "/v2/domains/{domain}/records/{recordId}", handler: update)
        router.on(.patch, "/v2/domains/{domain}/records/{recordId}", handler: update)
        router.on(
            .delete, "/v2/domains/{domain}/records/{recordId}",
            handler: route(flavor, state) { request in
                let (zone, record) = try digitalOceanRecord(request, state)
                state.contents.withLock { contents in
                    guard let zoneIndex = contents.zones.firstIndex(where: { $0.id == zone.id }) else { return }
                    contents.zones[zoneIndex].records.removeAll { $0.id == record.id }
                }
                return HTTPResponse(status: 204)
            })
    }

    /// `{"domain_records": [...], "links": {...}, "meta": {"total": N}}` with `page`/`per_page` (default 20, max
    /// 200); `links.pages` appears only when there is more than one page, as on the wire.
    private static func digitalOceanPage(
        _ records: [FakeDNSRecord], zone: FakeProviderState.Zone, request: HTTPRequest, state: FakeProviderState
    ) -> HTTPResponse {
        var size = min(200, max(1, request.queryValue("per_page").flatMap(Int.init) ?? 20))
        if let cap = state.contents.withLock({ $0.maxPageSize }) { size = min(size, max(1, cap)) }
        let pages = max(1, (records.count + size - 1) / size)
        let page = max(1, request.queryValue("page").flatMap(Int.init) ?? 1)
        let slice = records.dropFirst((page - 1) * size).prefix(size)
        var links: [(String, FakeJSON)] = []
        if pages > 1 {
            let host = request.headers["Host"] ?? "127.0.0.1"
            let kept = request.query.filter { $0.name != "page" }
                .map { "&\($0.name.fakeQueryEncoded)=\($0.value.fakeQueryEncoded)" }.joined()
            func link(_ number: Int) -> FakeJSON {
                .string("http://\(host)/v2/domains/\(zone.name)/records?page=\(number)\(kept)")
            }
            var pageLinks: [(String, FakeJSON)] = []
            if page > 1 { pageLinks += [("first", link(1)), ("prev", link(page - 1))] }
            if page < pages { pageLinks += [("last", link(pages)), ("next", link(page + 1))] }
            links = [("pages", .object(pageLinks))]
        }
        return FakeJSON.object([
            ("domain_records", .array(slice.map { digitalOceanRecordJSON($0) })), ("links", .object(links)),
            ("meta", .object([("total", .int(records.count))])),
        ]).answer(.digitalOcean)
    }

    private static func digitalOceanZone(
        _ request: HTTPRequest, _ state: FakeProviderState
    ) throws
        -> FakeProviderState.Zone
    {
        let name = FakeProviderState.normalize(request.parameters["domain"] ?? "")
        guard let zone = state.contents.withLock({ $0.zones.first { $0.name == name } }) else {
            throw FakeAnswer(
                response: Flavor.digitalOcean.errorResponse(status: 404, message: Flavor.digitalOcean.notFoundMessage))
        }
        return zone
    }

    private static func digitalOceanRecord(
        _ request: HTTPRequest, _ state: FakeProviderState
    ) throws
        -> (FakeProviderState.Zone, FakeDNSRecord)
    {
        let zone = try digitalOceanZone(request, state)
        let id = request.parameters["recordId"].flatMap(Int.init)
        guard let record = zone.records.first(where: { $0.id == id }) else {
            throw FakeAnswer(
                response: Flavor.digitalOcean.errorResponse(status: 404, message: Flavor.digitalOcean.notFoundMessage))
        }
        return (zone, record)
    }

    /// Validates `data`: addresses for A/AAAA; host names need the trailing dot (`@` is allowed) and are stored
    /// without it, as the API answers.
    private static func digitalOceanData(
        _ value: Any?, type: String, zone: FakeProviderState.Zone, required: Bool
    )
        throws -> String?
    {
        guard let value else {
            if required {
                throw unprocessable(
                    digitalOceanHostNameTypes.contains(type) ? "Data needs to end with a dot (.)" : "Data is required.")
            }
            return nil
        }
        guard var data = value as? String, !data.isEmpty else { throw unprocessable("Data is required.") }
        if type == "A", !FakeAddress.isIPv4(data) { throw unprocessable("Data must be a valid IPv4 address.") }
        if type == "AAAA", !FakeAddress.isIPv6(data) { throw unprocessable("Data must be a valid IPv6 address.") }
        if digitalOceanHostNameTypes.contains(type), data != "@" {
            guard data.hasSuffix(".") else { throw unprocessable("Data needs to end with a dot (.)") }
            data.removeLast()
        }
        return data
    }

    private static func digitalOceanTTL(_ value: Any?) throws -> Int? {
        guard let value, !(value is NSNull) else { return nil }
        guard let ttl = value as? Int, ttl >= 0 else { throw unprocessable("Ttl must be an integer.") }
        return ttl
    }

    private static func unprocessable(_ message: String) -> FakeAnswer {
        FakeAnswer(response: Flavor.digitalOcean.errorResponse(status: 422, message: message))
    }

    /// A record in the wire shape: `id, type, name, data, priority, port, ttl, weight, flags, tag`, unused `null`,
    /// apex `"@"`.
    static func digitalOceanRecordJSON(_ record: FakeDNSRecord) -> FakeJSON {
        .object([
            ("id", .int(record.id)), ("type", .string(record.type)),
            ("name", .string(record.name.isEmpty ? "@" : record.name)),
            ("data", .string(record.target)), ("priority", .int(record.priority)), ("port", .null),
            ("ttl", .int(record.ttl)),
            ("weight", .null), ("flags", .null), ("tag", .null),
        ])
    }

    private static func zoneFile(_ zone: FakeProviderState.Zone) -> String {
        var lines = ["$ORIGIN \(zone.name).", "$TTL \(zone.ttl)"]
        for record in zone.records where record.type != "SOA" {
            let owner = record.name.isEmpty ? "\(zone.name)." : "\(record.name).\(zone.name)."
            let data = digitalOceanHostNameTypes.contains(record.type) ? "\(record.target)." : record.target
            lines.append("\(owner) \(record.ttl) IN \(record.type) \(data)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    var fakeQueryEncoded: String {
        addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? self
    }
}
