import FailoverCore

/// The one implementation of ``DNSProvider``: the read, plan, apply, verify sequence of ``DNSSetOperation`` over
/// a provider's record store (``LinodeProvider``, ``DigitalOceanProvider``), which only speak their API.
struct RecordStoreProvider<Store: DNSRecordStore>: DNSProvider {
    let store: Store

    var accountName: String { store.accountName }
    var rules: DNSRecordRules { store.rules }

    func findZone(_ zone: String) async throws(DNSProviderError) -> DNSZone {
        try await store.lookUpZone(DNSZoneName(zone), log: ProviderCallLog())
    }

    func listRecords(
        in zone: DNSZone, name: DNSRecordName, type: DNSRecordType
    ) async throws(DNSProviderError) -> DNSRecordSet {
        try await DNSSetOperation(store: store, logger: store.logger).list(in: zone, name: name, type: type)
    }

    func get(zone: String, name: String, type: DNSRecordType) async throws(DNSProviderError) -> DNSRecordSet {
        try await DNSSetOperation(store: store, logger: store.logger).get(zone: zone, name: name, type: type)
    }

    func set(
        zone: String, name: String, type: DNSRecordType, desired: DNSDesiredState, dryRun: Bool
    ) async throws(DNSProviderError) -> DNSChangeResult {
        try await DNSSetOperation(store: store, logger: store.logger).set(
            zone: zone, name: name, type: type, desired: desired, dryRun: dryRun)
    }
}
