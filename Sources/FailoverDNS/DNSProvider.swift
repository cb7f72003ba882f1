import FailoverCore

/// A DNS hosting API failoverd can change records in (Linode, DigitalOcean).
///
/// Every method is idempotent and safe to call again after a failure. ``set(zone:name:type:desired:dryRun:)``
/// reads, plans with ``DNSChangePlan/reconcile(current:desired:name:type:zone:rules:)``, applies the plan
/// (updates in place, creates only what is missing, deletes extras last), then reads back and verifies.
public protocol DNSProvider: Sendable {
    /// The provider account's name from the configuration (`linode-main`).
    var accountName: String { get }
    /// How this provider stores TTLs and host names, used when comparing states.
    var rules: DNSRecordRules { get }

    /// Finds a zone by its domain name (`example.com`, trailing dot allowed).
    ///
    /// - Throws: ``DNSProviderError`` (``DNSProviderError/isUnknownZone`` when the account has no such zone).
    func findZone(_ zone: String) async throws(DNSProviderError) -> DNSZone

    /// Lists the records of (`name`, `type`) in a zone, across every page.
    func listRecords(
        in zone: DNSZone, name: DNSRecordName, type: DNSRecordType
    )
        async throws(DNSProviderError) -> DNSRecordSet

    /// Reads the records of (`name`, `type`) in the zone named `zone`; `name` may be relative, `@` or fully
    /// qualified.
    func get(zone: String, name: String, type: DNSRecordType) async throws(DNSProviderError) -> DNSRecordSet

    /// Brings the records of (`name`, `type`) to `desired`, or with `dryRun` only computes the plan.
    ///
    /// - Returns: the states before and after, the plan, whether it was a no-op, and the provider's request ids.
    func set(
        zone: String, name: String, type: DNSRecordType, desired: DNSDesiredState, dryRun: Bool
    )
        async throws(DNSProviderError) -> DNSChangeResult
}
