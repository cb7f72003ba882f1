import FailoverCore
import FailoverHTTPClient
import Foundation
import Logging

/// DigitalOcean API v2 (`https://api.digitalocean.com`).
///
/// Zone by `GET /v2/domains/{name}` (404 = unknown); records by `GET /v2/domains/{name}/records?type=&name=`
/// where `name` is the fully qualified name, following `links.pages.next`; the apex is `"@"`; host-name data is
/// written with a trailing dot and read without; PUT always sends the full record; create answers 201, delete
/// 204 with an empty body. Each answer's `x-request-id` is kept in the results.
struct DigitalOceanProvider: DNSRecordStore {
    /// Records per page asked for (the API's maximum).
    static let pageSize = 200
    /// Most pages followed before giving up on a listing that does not end.
    static let maxPages = 1000

    /// The provider account's name from the configuration.
    let accountName: String
    /// ``DNSRecordRules/digitalOcean``.
    var rules: DNSRecordRules { .digitalOcean }
    /// The API base URL without trailing slash (`https://api.digitalocean.com`).
    let baseURL: String
    private let http: ProviderHTTP
    let logger: Logger

    /// Creates a provider on an HTTP client.
    ///
    /// - Parameters:
    ///   - tokenSource: where the token came from (`environment variable DO_TOKEN`), for error messages.
    init(
        accountName: String, baseURL: String, token: BearerToken, tokenSource: String? = nil, client: HTTPClient,
        logger: Logger
    ) {
        self.accountName = accountName
        self.baseURL = baseURL.droppingTrailingSlashes
        self.logger = logger
        http = ProviderHTTP(
            account: accountName, dialect: .digitalOcean, client: client, token: token, tokenSource: tokenSource,
            logger: logger)
    }

    func lookUpZone(_ zone: DNSZoneName, log: ProviderCallLog) async throws(DNSProviderError) -> DNSZone {
        let action = "find zone \(zone)"
        let response = try await http.send(
            .get, "\(baseURL)/v2/domains/\(zone.name.queryEncoded)", action: action, log: log, accepting: [404])
        if response.status == 404 { throw .unknownZone(account: accountName, zone: zone.name) }
        let envelope = try http.decode(DigitalOceanDomainEnvelope.self, from: response, action: action)
        return DNSZone(
            name: DNSZoneName(envelope.domain.name), id: envelope.domain.name, defaultTTL: envelope.domain.ttl)
    }

    func fetchRecords(
        in zone: DNSZone, name: DNSRecordName, type: DNSRecordType, log: ProviderCallLog
    )
        async throws(DNSProviderError) -> [DNSRecord]
    {
        let fqdn = name.fullyQualified(in: zone.name)
        let action = "list \(fqdn) \(type) records"
        var url =
            "\(recordsURL(zone))?type=\(type.rawValue.queryEncoded)&name=\(fqdn.queryEncoded)"
            + "&per_page=\(Self.pageSize)"
        var records: [DNSRecord] = []
        for _ in 0..<Self.maxPages {
            let response = try await http.send(.get, url, action: action, log: log)
            let listing = try http.decode(DigitalOceanRecordPage.self, from: response, action: action)
            records += listing.domainRecords.compactMap(Self.record(from:)).filter {
                $0.name == name && $0.type == type
            }
            guard let next = listing.links?.pages?.next, !next.isEmpty else { return records }
            // Never send the token to a host other than the configured API.
            guard next.hasPrefix(baseURL + "/") else {
                throw .unexpectedResponse(
                    account: accountName, action: action, status: response.status,
                    bodyPrefix: "links.pages.next points outside \(baseURL): \(next)")
            }
            url = next
        }
        throw .unexpectedResponse(
            account: accountName, action: action, status: 200, bodyPrefix: "more than \(Self.maxPages) pages")
    }

    func createRecord(
        in zone: DNSZone, name: DNSRecordName, type: DNSRecordType, target: String, ttl: Int, log: ProviderCallLog
    ) async throws(DNSProviderError) -> DNSRecord {
        let body = writeBody(zone: zone, name: name, type: type, target: target, ttl: ttl)
        let action = "create \(name.fullyQualified(in: zone.name)) \(type) \(target)"
        let response = try await http.send(.post, recordsURL(zone), body: body, action: action, log: log)
        return try decodeRecord(response, action: action)
    }

    func updateRecord(
        in zone: DNSZone, _ record: DNSRecord, target: String, ttl: Int, log: ProviderCallLog
    )
        async throws(DNSProviderError) -> DNSRecord
    {
        let body = writeBody(zone: zone, name: record.name, type: record.type, target: target, ttl: ttl)
        let action = "update record #\(record.id) (\(record.name.fullyQualified(in: zone.name)) \(record.type))"
        let response = try await http.send(
            .put, "\(recordsURL(zone))/\(record.id)", body: body, action: action, log: log)
        return try decodeRecord(response, action: action)
    }

    func deleteRecord(in zone: DNSZone, _ record: DNSRecord, log: ProviderCallLog) async throws(DNSProviderError) {
        let action = "delete record #\(record.id) (\(record.name.fullyQualified(in: zone.name)) \(record.type))"
        _ = try await http.send(.delete, "\(recordsURL(zone))/\(record.id)", action: action, log: log, accepting: [404])
    }

    /// Turns a wire record into failoverd's model (`"@"` is the apex); `nil` for a record without an id.
    static func record(from wire: DigitalOceanRecord) -> DNSRecord? {
        guard let id = wire.id else { return nil }
        return DNSRecord(
            id: String(id), name: DNSRecordName(relative: wire.name), type: DNSRecordType(rawValue: wire.type),
            target: wire.data ?? "", ttl: wire.ttl ?? 0)
    }

    private func decodeRecord(_ response: HTTPClientResponse, action: String) throws(DNSProviderError) -> DNSRecord {
        let wire = try http.decode(DigitalOceanRecordEnvelope.self, from: response, action: action).domainRecord
        guard let record = Self.record(from: wire) else {
            throw .unexpectedResponse(
                account: accountName, action: action, status: response.status, bodyPrefix: response.bodyPrefix())
        }
        return record
    }

    private func recordsURL(_ zone: DNSZone) -> String { "\(baseURL)/v2/domains/\(zone.id.queryEncoded)/records" }

    private func writeBody(
        zone: DNSZone, name: DNSRecordName, type: DNSRecordType, target: String, ttl: Int
    )
        -> DigitalOceanWriteRecord
    {
        DigitalOceanWriteRecord(
            type: type.rawValue, name: name.isApex ? "@" : name.relative,
            data: rules.targetForWrite(target, type: type, zone: zone.name), ttl: ttl)
    }
}
