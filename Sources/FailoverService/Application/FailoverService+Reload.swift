import Crypto
import FailoverConfig
import FailoverCore
import FailoverStore
import Foundation

/// Reads the configuration again, as at start (the file, then the command line's overrides).
public typealias ConfigurationSource = @Sendable () throws -> FailoverConfiguration

/// What a configuration reload did: returned by `POST /-/reload`, logged, and recorded as `config.reloaded`.
public struct ConfigurationReloadOutcome: Sendable, Hashable, Codable {
    /// Whether the new configuration is in force; when false the previous one still is.
    public var succeeded: Bool
    /// What asked for it: `signal` (SIGHUP) or `api`.
    public var trigger: String
    /// Who asked: `failoverd` for a signal, the admin credential's name for the API.
    public var requestedBy: String
    /// SHA-256 (hex) of the configuration file read, when it could be read.
    public var sha256: String?
    /// Why it failed: the configuration's problems (FILE:LINE:COLUMN) or the secret that could not be read.
    public var error: String?
    /// Runbooks that are new, whose definition changed, and that are gone; they apply to incidents opened from now
    /// on, and running or scheduled executions keep the definition they were scheduled with.
    public var runbooksAdded: [String]
    /// See ``runbooksAdded``.
    public var runbooksChanged: [String]
    /// See ``runbooksAdded``.
    public var runbooksRemoved: [String]
    /// Settings that changed but take effect only at the next start (listen address, storage, limits, engine
    /// workers, retention); they are reported, not applied.
    public var restartRequired: [String]
    /// The new configuration's warnings.
    public var warnings: [String]

    /// The outcome when the service is gone already.
    static func stopping(requestedBy actor: String) -> Self {
        Self(
            succeeded: false, trigger: "api", requestedBy: actor, sha256: nil, error: "the service is stopping",
            runbooksAdded: [], runbooksChanged: [], runbooksRemoved: [], restartRequired: [], warnings: [])
    }

    enum CodingKeys: String, CodingKey {
        case succeeded, trigger, sha256, error, warnings
        case requestedBy = "requested_by"
        case runbooksAdded = "runbooks_added"
        case runbooksChanged = "runbooks_changed"
        case runbooksRemoved = "runbooks_removed"
        case restartRequired = "restart_required"
    }
}

/// The configuration in force and what the reloads did.
struct ReloadState: Sendable {
    /// The last configuration put in force.
    var configuration: FailoverConfiguration
    /// Whether the providers were given by a test instead of the configuration: a reload leaves them alone.
    var providersFixed = false
}

extension FailoverService {
    /// Reads the configuration again and puts it in force if it is valid and every secret it names can be read;
    /// otherwise keeps the one in force. Never interrupts an execution: runbooks added, changed or removed apply to
    /// incidents opened from now on. Settings that need a restart are reported, not applied. Logged, counted in
    /// the metrics, and recorded in the audit log (`config.reloaded`) with its outcome and the file's digest.
    public func reload(trigger: String, requestedBy actor: String) async -> ConfigurationReloadOutcome {
        let outcome = reloadNow(trigger: trigger, requestedBy: actor)
        metrics.recordReload(succeeded: outcome.succeeded, at: Date())
        if outcome.succeeded {
            logger.notice(
                "configuration reloaded",
                metadata: [
                    "trigger": "\(trigger)", "by": "\(actor)", "sha256": "\(outcome.sha256 ?? "")",
                    "added": "\(outcome.runbooksAdded)", "changed": "\(outcome.runbooksChanged)",
                    "removed": "\(outcome.runbooksRemoved)",
                ])
            for setting in outcome.restartRequired {
                logger.warning("configuration reload: \(setting) changed; it takes effect at the next start")
            }
            for warning in outcome.warnings { logger.warning("configuration: \(warning)") }
        } else {
            logger.error(
                "configuration reload failed; the previous configuration stays in force",
                metadata: ["trigger": "\(trigger)", "by": "\(actor)", "error": "\(outcome.error ?? "")"])
        }
        var detail: [String: AuditValue] = [
            "outcome": .string(outcome.succeeded ? "success" : "failure"), "trigger": .string(trigger),
            "runbooks_added": .array(outcome.runbooksAdded.map(AuditValue.string)),
            "runbooks_changed": .array(outcome.runbooksChanged.map(AuditValue.string)),
            "runbooks_removed": .array(outcome.runbooksRemoved.map(AuditValue.string)),
            "restart_required": .array(outcome.restartRequired.map(AuditValue.string)),
        ]
        if let file = configurationFile { detail["file"] = .string(file) }
        if let sha256 = outcome.sha256 { detail["sha256"] = .string(sha256) }
        if let error = outcome.error { detail["error"] = .string(error) }
        await recordLifecycle(
            .configurationReloaded, actor: actor, outcome: outcome.succeeded ? .success : .failure,
            detail: AuditDetail(detail))
        return outcome
    }

    /// Loads, checks and applies; one reload at a time (the state's lock is held throughout, and nothing in it
    /// waits for the network).
    private func reloadNow(trigger: String, requestedBy actor: String) -> ConfigurationReloadOutcome {
        var outcome = ConfigurationReloadOutcome(
            succeeded: false, trigger: trigger, requestedBy: actor, sha256: nil, error: nil, runbooksAdded: [],
            runbooksChanged: [], runbooksRemoved: [], restartRequired: [], warnings: [])
        guard let reloadSource else {
            outcome.error = "the service was started without --config.file: there is no configuration to reload"
            return outcome
        }
        if let configurationFile, let bytes = FileManager.default.contents(atPath: configurationFile) {
            outcome.sha256 = SHA256.hash(data: bytes).hexadecimal
        }
        return reloads.withLock { state in
            let new: FailoverConfiguration
            do {
                new = try reloadSource()
            } catch {
                outcome.error = "\(error)"
                return outcome
            }
            let credentials: AccessPolicy.Credentials
            let providers: [String: ProviderRecordSetter]?
            // The listener's TLS files were handed to GnuTLS at start; a reload cannot swap them.
            if new.server.tls != state.configuration.server.tls {
                outcome.error =
                    "server.tls changed: the listener's certificate, key and client CA are read only at start; "
                    + "restart failoverd to use new TLS files (nothing of this reload was applied)"
                return outcome
            }
            do throws(ServiceError) {
                credentials = try Self.accessRules(new.server, secrets)
                providers =
                    state.providersFixed
                    ? nil
                    : try ProviderDirectory.build(
                        new.providers, secrets: secrets, metrics: metrics, logger: logger)
            } catch {
                outcome.error = error.message
                return outcome
            }
            let old = state.configuration
            let oldRunbooks = Self.digestsByName(old.runbooks)
            let newRunbooks = Self.digestsByName(new.runbooks)
            outcome.runbooksAdded = newRunbooks.keys.filter { oldRunbooks[$0] == nil }.sorted()
            outcome.runbooksRemoved = oldRunbooks.keys.filter { newRunbooks[$0] == nil }.sorted()
            outcome.runbooksChanged = newRunbooks.compactMap { name, digest in
                oldRunbooks[name].flatMap { $0 == digest ? nil : name }
            }.sorted()
            outcome.restartRequired = Self.settingsNeedingRestart(from: old, to: new)
            outcome.warnings = new.warnings.map(\.description)

            // Put in force: what the ingest transactions and the engine read, then who may call, then where DNS
            // steps go. Each piece is swapped whole; a transaction or step already under way keeps what it read.
            policy.replace(
                RunbookPolicy.Settings(
                    catalog: new.runbooks, reopenWindow: new.ingest.reopenWindow, dryRun: new.engine.dryRun))
            access.replace(credentials)
            if let providers { directory.replace(with: providers) }
            state.configuration = new
            outcome.succeeded = true
            return outcome
        }
    }

    private static func digestsByName(_ catalog: RunbookCatalog) -> [String: String] {
        Dictionary(catalog.runbooks.map { ($0.name, $0.digest) }, uniquingKeysWith: { first, _ in first })
    }

    /// The settings that differ between `old` and `new` and are read only at start.
    static func settingsNeedingRestart(from old: FailoverConfiguration, to new: FailoverConfiguration) -> [String] {
        var changed: [String] = []
        func compare<Value: Equatable>(_ path: String, _ value: (FailoverConfiguration) -> Value) {
            if value(old) != value(new) { changed.append(path) }
        }
        compare("server.listen_address") { $0.server.listenAddress }
        compare("server.max_request_body_size") { $0.server.maxRequestBodyBytes }
        compare("server.max_connections") { $0.server.maxConnections }
        compare("server.connection_timeout") { $0.server.connectionTimeout }
        compare("server.max_connections_per_address") { $0.server.maxConnectionsPerAddress }
        compare("server.max_header_size") { $0.server.maxHeaderBytes }
        compare("server.request_timeout") { $0.server.requestTimeout }
        compare("server.auth.failure_limit") { $0.server.auth.failureLimit }
        compare("storage") { $0.storage }
        compare("ingest.max_batch_size") { $0.ingest.maxBatchSize }
        compare("ingest.max_pending") { $0.ingest.maxPending }
        compare("retention") { $0.retention }
        compare("engine.workers") { $0.engine.workers }
        compare("engine.lease") { $0.engine.lease }
        compare("engine.poll_interval") { $0.engine.pollInterval }
        return changed
    }
}
