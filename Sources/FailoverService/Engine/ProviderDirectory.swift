import FailoverConfig
import FailoverCore
import FailoverDNS
import FailoverEngine
import Logging
import Synchronization

/// The configured DNS provider accounts, for `dns` steps: each account's ``DNSProvider`` behind the engine's
/// ``DNSRecordSetting`` port.
///
/// A configuration reload replaces the accounts; a step that already fetched its provider keeps it.
final class ProviderDirectory: DNSProviderDirectory {
    private let accounts: Mutex<[String: ProviderRecordSetter]>

    /// Builds every configured account; a token that cannot be read stops the start with a clear message.
    convenience init(
        accounts: [ProviderAccountConfiguration], secrets: SecretResolver, metrics: ServiceMetrics, logger: Logger
    ) throws(ServiceError) {
        self.init(setters: try Self.build(accounts, secrets: secrets, metrics: metrics, logger: logger))
    }

    convenience init(providers: [String: any DNSProvider]) {
        self.init(setters: providers.mapValues(ProviderRecordSetter.init(provider:)))
    }

    private init(setters: [String: ProviderRecordSetter]) {
        accounts = Mutex(setters)
    }

    func provider(named name: String) -> (any DNSRecordSetting)? { accounts.withLock { $0[name] } }

    /// Puts the accounts of a reloaded configuration in force.
    func replace(with setters: [String: ProviderRecordSetter]) {
        accounts.withLock { $0 = setters }
    }

    /// Builds a provider per account; the first token that cannot be read or account that cannot be built stops it
    /// with a message naming the account.
    static func build(
        _ accounts: [ProviderAccountConfiguration], secrets: SecretResolver, metrics: ServiceMetrics, logger: Logger
    ) throws(ServiceError) -> [String: ProviderRecordSetter] {
        var providers: [String: ProviderRecordSetter] = [:]
        for account in accounts {
            let token: String
            do {
                token = try secrets.resolve(account.token)
            } catch {
                throw .secret("providers.\(account.name).token: \(error.message)")
            }
            do {
                providers[account.name] = ProviderRecordSetter(
                    provider: try ProviderFactory.make(
                        account: account, token: token, logger: logger,
                        observer: DNSRequestMetrics(provider: account.name, metrics: metrics)))
            } catch {
                throw .secret("providers.\(account.name): \(error.message)")
            }
        }
        return providers
    }
}

/// One provider account as a `dns` step sees it: a verified set whose failure says what was already applied.
struct ProviderRecordSetter: DNSRecordSetting {
    let provider: any DNSProvider

    func setRecords(
        zone: String, name: String, type: DNSRecordType, targets: [String], ttl: Int, dryRun: Bool
    ) async -> DNSStepOutcome {
        let desired: DNSDesiredState
        do {
            desired = try DNSDesiredState(targets: targets, ttl: ttl)
        } catch {
            return DNSStepOutcome(
                succeeded: false, summary: "\(provider.accountName): \(error.message)", before: [], after: [],
                planned: [], applied: [], noChange: false, requestIDs: [], requestCount: 0, error: error.message)
        }
        do {
            let result = try await provider.set(zone: zone, name: name, type: type, desired: desired, dryRun: dryRun)
            return DNSStepOutcome(
                succeeded: result.isNoOp || result.dryRun || result.verified, summary: result.summary,
                before: result.before.map(Self.describe), after: result.after.map(Self.describe),
                planned: result.plan.operations.map(\.description),
                applied: result.dryRun ? [] : result.plan.operations.map(\.description), noChange: result.isNoOp,
                requestIDs: result.requestIDs, requestCount: result.requestCount, error: nil)
        } catch {
            let progress = error.progress
            let applied = progress?.applied.map(\.description) ?? []
            var summary = error.message
            if let progress, !progress.applied.isEmpty {
                summary += " (applied \(progress.applied.count) of \(progress.planned.count) writes before the failure)"
            }
            return DNSStepOutcome(
                succeeded: false, summary: summary, before: progress?.before.map(Self.describe) ?? [], after: [],
                planned: progress?.planned.map(\.description) ?? [], applied: applied, noChange: false,
                requestIDs: progress?.requestIDs ?? error.requestID.map { [$0] } ?? [],
                requestCount: progress?.requestCount ?? error.attempts, error: summary)
        }
    }

    static func describe(_ record: DNSRecord) -> String { "\(record.target) ttl=\(record.ttl)" }
}
