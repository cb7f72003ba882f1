import FailoverCore
import Logging

/// Get and set for any ``DNSRecordStore``: read, plan, apply, read back, verify.
struct DNSSetOperation<Store: DNSRecordStore>: Sendable {
    let store: Store
    let logger: Logger

    func get(
        zone zoneText: String, name nameText: String, type: DNSRecordType
    )
        async throws(DNSProviderError) -> DNSRecordSet
    {
        let log = ProviderCallLog()
        let zone = try await store.lookUpZone(DNSZoneName(zoneText), log: log)
        let name = try recordName(nameText, in: zone)
        let records = try await store.fetchRecords(in: zone, name: name, type: type, log: log)
        return DNSRecordSet(
            zone: zone, name: name, type: type, records: records, requestIDs: log.requestIDs,
            requestCount: log.requestCount)
    }

    func list(
        in zone: DNSZone, name: DNSRecordName, type: DNSRecordType
    ) async throws(DNSProviderError)
        -> DNSRecordSet
    {
        let log = ProviderCallLog()
        let records = try await store.fetchRecords(in: zone, name: name, type: type, log: log)
        return DNSRecordSet(
            zone: zone, name: name, type: type, records: records, requestIDs: log.requestIDs,
            requestCount: log.requestCount)
    }

    func set(
        zone zoneText: String, name nameText: String, type: DNSRecordType, desired: DNSDesiredState, dryRun: Bool
    ) async throws(DNSProviderError) -> DNSChangeResult {
        let account = store.accountName
        do {
            try desired.validate(for: type)
        } catch {
            throw .invalidRequest(account: account, error.message)
        }
        let log = ProviderCallLog()
        let zone = try await store.lookUpZone(DNSZoneName(zoneText), log: log)
        let name = try recordName(nameText, in: zone)
        let rules = store.rules
        let before = try await store.fetchRecords(in: zone, name: name, type: type, log: log)
        let plan = DNSChangePlan.reconcile(
            current: before, desired: desired, name: name, type: type, zone: zone.name, rules: rules)
        let owner = "\(name.fullyQualified(in: zone.name)) \(type)"
        func result(after: [DNSRecord], verified: Bool) -> DNSChangeResult {
            DNSChangeResult(
                account: account, zone: zone, name: name, type: type, desired: desired, plan: plan, before: before,
                after: after, dryRun: dryRun, verified: verified, requestIDs: log.requestIDs,
                requestCount: log.requestCount)
        }
        if plan.isNoOp {
            logger.info(
                "DNS record already in the desired state", metadata: ["account": "\(account)", "record": "\(owner)"])
            return result(after: before, verified: true)
        }
        if dryRun {
            logger.info(
                "DNS change planned (dry run)",
                metadata: ["account": "\(account)", "record": "\(owner)", "plan": "\(plan)"])
            return result(after: before, verified: false)
        }

        var applied: [DNSChangeOperation] = []
        func progress(_ error: DNSProviderError) -> DNSProviderError {
            var error = error
            error.progress = DNSChangeProgress(
                before: before, planned: plan.operations, applied: applied, requestIDs: log.requestIDs,
                requestCount: log.requestCount)
            return error
        }
        for operation in plan.operations {
            logger.info("applying DNS change", metadata: ["account": "\(account)", "operation": "\(operation)"])
            do {
                switch operation {
                case .update(let record, let target, let ttl):
                    _ = try await store.updateRecord(in: zone, record, target: target, ttl: ttl, log: log)
                case .create(let name, let type, let target, let ttl):
                    try await create(in: zone, name: name, type: type, target: target, ttl: ttl, log: log)
                case .delete(let record):
                    try await store.deleteRecord(in: zone, record, log: log)
                }
            } catch {
                if !applied.isEmpty {
                    logger.error(
                        "DNS change failed halfway",
                        metadata: ["account": "\(account)", "applied": "\(applied.count) of \(plan.operations.count)"])
                }
                throw progress(error)
            }
            applied.append(operation)
        }

        let after: [DNSRecord]
        do {
            after = try await store.fetchRecords(in: zone, name: name, type: type, log: log)
        } catch {
            throw progress(error)
        }
        guard
            DNSChangePlan.isSatisfied(
                by: after, desired: desired, name: name, type: type, zone: zone.name, rules: rules)
        else {
            let found =
                after.isEmpty ? "no records" : after.map { "\($0.target) ttl=\($0.ttl)" }.joined(separator: ", ")
            throw progress(
                .verificationFailed(
                    account: account, owner: owner,
                    expected: "\(desired.targets.joined(separator: ", ")) "
                        + "ttl=\(rules.storedTTL(desired.ttl))", found: found))
        }
        let outcome = result(after: after, verified: true)
        logger.notice("DNS record changed", metadata: ["account": "\(account)", "summary": "\(outcome.summary)"])
        return outcome
    }

    /// Creates a record; when the answer is lost, re-reads before sending the POST again so that a create the
    /// provider did apply is not duplicated.
    private func create(
        in zone: DNSZone, name: DNSRecordName, type: DNSRecordType, target: String, ttl: Int, log: ProviderCallLog
    ) async throws(DNSProviderError) {
        do {
            _ = try await store.createRecord(in: zone, name: name, type: type, target: target, ttl: ttl, log: log)
        } catch  where error.isOutcomeUnknown {
            logger.warning(
                "create answer lost; re-reading before trying again",
                metadata: ["account": "\(store.accountName)", "error": "\(error)"])
            let current = try await store.fetchRecords(in: zone, name: name, type: type, log: log)
            let wanted = store.rules.comparableTarget(target, type: type, zone: zone.name)
            if current.contains(where: {
                store.rules.comparableTarget($0.target, type: type, zone: zone.name) == wanted
            }) {
                return
            }
            _ = try await store.createRecord(in: zone, name: name, type: type, target: target, ttl: ttl, log: log)
        }
    }

    private func recordName(_ text: String, in zone: DNSZone) throws(DNSProviderError) -> DNSRecordName {
        guard let name = DNSRecordName(text, inZone: zone.name.name) else {
            throw .invalidRequest(account: store.accountName, "the name \(text) is not inside the zone \(zone.name)")
        }
        return name
    }
}
