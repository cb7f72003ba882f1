/// A Linode record as the API sends it; unknown fields are ignored, `created`/`updated` are absent before 2019.
struct LinodeRecord: Decodable, Sendable, Hashable {
    var id: Int
    var type: String
    var name: String
    var target: String
    var ttlSec: Int
    var priority: Int?
    var weight: Int?
    var port: Int?
    var service: String?
    var `protocol`: String?
    var tag: String?
    var created: String?
    var updated: String?

    enum CodingKeys: String, CodingKey {
        case id, type, name, target, priority, weight, port, service, `protocol`, tag, created, updated
        case ttlSec = "ttl_sec"
    }
}

/// A Linode domain (zone) as the API sends it.
struct LinodeDomain: Decodable, Sendable, Hashable {
    var id: Int
    var domain: String
    var type: String?
    var status: String?
    var ttlSec: Int?

    enum CodingKeys: String, CodingKey {
        case id, domain, type, status
        case ttlSec = "ttl_sec"
    }
}

/// Linode's paginated envelope: `{"data": [...], "page": 1, "pages": 1, "results": 1}`.
struct LinodePage<Item: Decodable & Sendable>: Decodable, Sendable {
    var data: [Item]
    var page: Int
    var pages: Int
    var results: Int
}

/// Linode's error body: `{"errors": [{"reason": "...", "field": "ttl_sec"}]}`.
struct LinodeErrorEnvelope: Decodable, Sendable {
    struct Item: Decodable, Sendable {
        var reason: String?
        var field: String?
    }
    var errors: [Item]
}

/// Body of `POST /domains/{id}/records`; `ttl_sec` is left out for the zone default.
struct LinodeCreateRecord: Encodable, Sendable {
    var type: String
    var name: String
    var target: String
    var ttlSec: Int?

    enum CodingKeys: String, CodingKey {
        case type, name, target
        case ttlSec = "ttl_sec"
    }
}

/// Body of `PUT /domains/{id}/records/{recordId}`: only what changes (`type` is not in the schema).
struct LinodeUpdateRecord: Encodable, Sendable {
    var target: String
    var ttlSec: Int

    enum CodingKeys: String, CodingKey {
        case target
        case ttlSec = "ttl_sec"
    }
}
