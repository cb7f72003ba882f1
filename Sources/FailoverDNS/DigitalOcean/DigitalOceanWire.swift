/// A DigitalOcean record as the API sends it; unused fields are `null`.
///
/// `id` and `data` are optional only to survive hand-edited fixtures (octodns' SOA with `null`s); the real API
/// always sends both, and records without an id are left out of the model since they cannot be changed.
struct DigitalOceanRecord: Decodable, Sendable, Hashable {
    var id: Int?
    var type: String
    var name: String
    var data: String?
    var priority: Int?
    var port: Int?
    var ttl: Int?
    var weight: Int?
    var flags: Int?
    var tag: String?
}

/// `{"domain_records": [...], "links": {"pages": {...}}, "meta": {"total": N}}`.
struct DigitalOceanRecordPage: Decodable, Sendable {
    struct Links: Decodable, Sendable {
        struct Pages: Decodable, Sendable {
            var first: String?
            var prev: String?
            var next: String?
            var last: String?
        }
        var pages: Pages?
    }
    struct Meta: Decodable, Sendable {
        var total: Int
    }
    var domainRecords: [DigitalOceanRecord]
    var links: Links?
    var meta: Meta?

    enum CodingKeys: String, CodingKey {
        case links, meta
        case domainRecords = "domain_records"
    }
}

/// `{"domain_record": {...}}`.
struct DigitalOceanRecordEnvelope: Decodable, Sendable {
    var domainRecord: DigitalOceanRecord

    enum CodingKeys: String, CodingKey {
        case domainRecord = "domain_record"
    }
}

/// `{"domain": {"name": ..., "ttl": ..., "zone_file": ...}}`.
struct DigitalOceanDomainEnvelope: Decodable, Sendable {
    struct Domain: Decodable, Sendable {
        var name: String
        var ttl: Int?
        var zoneFile: String?

        enum CodingKeys: String, CodingKey {
            case name, ttl
            case zoneFile = "zone_file"
        }
    }
    var domain: Domain
}

/// `{"id": "not_found", "message": "...", "request_id": "..."}`.
struct DigitalOceanError: Decodable, Sendable {
    var id: String
    var message: String
    var requestID: String?

    enum CodingKeys: String, CodingKey {
        case id, message
        case requestID = "request_id"
    }
}

/// Body of POST and PUT: always the full record (a partial PUT of a CNAME fails with 422).
struct DigitalOceanWriteRecord: Encodable, Sendable {
    var type: String
    var name: String
    var data: String
    var ttl: Int
}
