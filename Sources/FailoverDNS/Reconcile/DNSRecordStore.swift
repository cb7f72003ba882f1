import FailoverCore
import Logging

/// The primitive calls a provider implements; ``DNSSetOperation`` builds get and set on top of them.
protocol DNSRecordStore: Sendable {
    /// The provider account's name from the configuration.
    var accountName: String { get }
    /// The provider's record rules.
    var rules: DNSRecordRules { get }
    /// Where the operations log.
    var logger: Logger { get }

    /// Finds the zone, charging the calls to `log`.
    func lookUpZone(_ zone: DNSZoneName, log: ProviderCallLog) async throws(DNSProviderError) -> DNSZone
    /// Lists every record of (`name`, `type`), all pages.
    func fetchRecords(
        in zone: DNSZone, name: DNSRecordName, type: DNSRecordType, log: ProviderCallLog
    )
        async throws(DNSProviderError) -> [DNSRecord]
    /// Creates one record and returns it as stored.
    func createRecord(
        in zone: DNSZone, name: DNSRecordName, type: DNSRecordType, target: String, ttl: Int, log: ProviderCallLog
    ) async throws(DNSProviderError) -> DNSRecord
    /// Changes a record's target and TTL in place and returns it as stored.
    func updateRecord(
        in zone: DNSZone, _ record: DNSRecord, target: String, ttl: Int, log: ProviderCallLog
    )
        async throws(DNSProviderError) -> DNSRecord
    /// Deletes a record; a record already gone is not an error.
    func deleteRecord(in zone: DNSZone, _ record: DNSRecord, log: ProviderCallLog) async throws(DNSProviderError)
}
