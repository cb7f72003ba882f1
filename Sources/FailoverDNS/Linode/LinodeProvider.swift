import FailoverCore
import FailoverHTTPClient
import Foundation
import Logging

/// Linode API v4 (`https://api.linode.com/v4`).
///
/// Zone by `GET /domains` with `X-Filter: {"domain": …}` (an unknown zone is 200 with an empty list); records by
/// `GET /domains/{id}/records` with `X-Filter: {"name": …, "type": …}`, `page`/`page_size`, until `page == pages`;
/// the apex is `name: ""`; `ttl_sec` is rounded up to the allowed values (0 = the zone default); create answers
/// 200 with the record, update is a partial PUT, delete answers 200 `{}`.
struct LinodeProvider: DNSRecordStore {
    /// Records per page asked for (the API's maximum).
    static let pageSize = 500
    /// Most pages followed before giving up on a listing that does not end.
    static let maxPages = 1000

    /// The provider account's name from the configuration.
    let accountName: String
    /// ``DNSRecordRules/linode``.
    var rules: DNSRecordRules { .linode }
    /// The API base URL without trailing slash (`https://api.linode.com/v4`).
    let baseURL: String
    private let http: ProviderHTTP
    let logger: Logger

    /// Creates a provider on an HTTP client.
    ///
    /// - Parameters:
    ///   - tokenSource: where the token came from (`file /etc/failoverd/linode.token`), for error messages.
    init(
        accountName: String, baseURL: String, token: BearerToken, tokenSource: String? = nil, client: HTTPClient,
        logger: Logger
    ) {
        self.accountName = accountName
        self.baseURL = baseURL.droppingTrailingSlashes
        self.logger = logger
        http = ProviderHTTP(
            account: accountName, dialect: .linode, client: client, token: token, tokenSource: tokenSource,
            logger: logger)
    }

    func lookUpZone(_ zone: DNSZoneName, log: ProviderCallLog) async throws(DNSProviderError) -> DNSZone {
        let action = "find zone \(zone)"
        let filter = try xFilter(["domain": zone.name], action: action)
        var page = 1
        while page <= Self.maxPages {
            let response = try await http.send(
                .get, "\(baseURL)/domains?page=\(page)", headers: ["X-Filter": filter], action: action, log: log)
            let listing = try http.decode(LinodePage<LinodeDomain>.self, from: response, action: action)
            if let domain = listing.data.first(where: { DNSZoneName($0.domain) == zone }) {
                return DNSZone(name: zone, id: String(domain.id), defaultTTL: domain.ttlSec)
            }
            guard listing.page < listing.pages else { break }
            page += 1
        }
        throw .unknownZone(account: accountName, zone: zone.name)
    }

    func fetchRecords(
        in zone: DNSZone, name: DNSRecordName, type: DNSRecordType, log: ProviderCallLog
    )
        async throws(DNSProviderError) -> [DNSRecord]
    {
        let action = "list \(name.fullyQualified(in: zone.name)) \(type) records"
        // The apex is filtered client-side: an empty-string filter value is not documented.
        var criteria = ["type": type.rawValue]
        if !name.isApex { criteria["name"] = name.relative }
        let filter = try xFilter(criteria, action: action)
        var records: [DNSRecord] = []
        var page = 1
        while page <= Self.maxPages {
            let url = "\(baseURL)/domains/\(zone.id)/records?page=\(page)&page_size=\(Self.pageSize)"
            let response = try await http.send(.get, url, headers: ["X-Filter": filter], action: action, log: log)
            let listing = try http.decode(LinodePage<LinodeRecord>.self, from: response, action: action)
            records += listing.data.map(Self.record(from:)).filter { $0.name == name && $0.type == type }
            guard listing.page < listing.pages else { return records }
            page += 1
        }
        throw .unexpectedResponse(
            account: accountName, action: action, status: 200, bodyPrefix: "more than \(Self.maxPages) pages")
    }

    func createRecord(
        in zone: DNSZone, name: DNSRecordName, type: DNSRecordType, target: String, ttl: Int, log: ProviderCallLog
    ) async throws(DNSProviderError) -> DNSRecord {
        let body = LinodeCreateRecord(
            type: type.rawValue, name: name.relative,
            target: rules.targetForWrite(target, type: type, zone: zone.name), ttlSec: ttl == 0 ? nil : ttl)
        let action = "create \(name.fullyQualified(in: zone.name)) \(type) \(target)"
        let response = try await http.send(
            .post, "\(baseURL)/domains/\(zone.id)/records", body: body, action: action, log: log)
        return Self.record(from: try http.decode(LinodeRecord.self, from: response, action: action))
    }

    func updateRecord(
        in zone: DNSZone, _ record: DNSRecord, target: String, ttl: Int, log: ProviderCallLog
    )
        async throws(DNSProviderError) -> DNSRecord
    {
        let body = LinodeUpdateRecord(
            target: rules.targetForWrite(target, type: record.type, zone: zone.name), ttlSec: ttl)
        let action = "update record #\(record.id) (\(record.name.fullyQualified(in: zone.name)) \(record.type))"
        let response = try await http.send(
            .put, "\(baseURL)/domains/\(zone.id)/records/\(record.id)", body: body, action: action, log: log)
        return Self.record(from: try http.decode(LinodeRecord.self, from: response, action: action))
    }

    func deleteRecord(in zone: DNSZone, _ record: DNSRecord, log: ProviderCallLog) async throws(DNSProviderError) {
        let action = "delete record #\(record.id) (\(record.name.fullyQualified(in: zone.name)) \(record.type))"
        _ = try await http.send(
            .delete, "\(baseURL)/domains/\(zone.id)/records/\(record.id)", action: action, log: log,
            accepting: [404])
    }

    /// Turns a wire record into failoverd's model.
    static func record(from wire: LinodeRecord) -> DNSRecord {
        DNSRecord(
            id: String(wire.id), name: DNSRecordName(relative: wire.name), type: DNSRecordType(rawValue: wire.type),
            target: wire.target, ttl: wire.ttlSec)
    }

    private func xFilter(_ criteria: [String: String], action: String) throws(DNSProviderError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(criteria) else {
            throw .invalidRequest(account: accountName, "could not build the filter to \(action)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
