import Crypto
import FailoverConfig
import FailoverCore
import FailoverDNS
import FailoverEngine
import FailoverHTTPServer
import FailoverProcess
import FailoverStore
import Foundation
import Logging
import Synchronization

/// A running failoverd: the state store, the group-commit writer, the runbook engine and the HTTP API, wired from a
/// configuration.
///
/// Lifecycle, in one place: `init` opens the database, resolves secrets and builds the providers; ``start()``
/// listens and starts the engine (which takes back claims of an earlier process and runs what is due);
/// ``run()`` (a swift-service-lifecycle `Service`) starts, waits for the graceful shutdown and stops;
/// ``shutdown()`` stops in the reverse order: the HTTP server (no new webhooks; those in flight answered), the
/// engine (running executions stop at a step boundary and give up their claims), the writer (waiting commits
/// done), `service.stopped`, the last signed head, the head logged, the database (checkpointed, closed).
public final class FailoverService: Sendable {
    /// The configuration the service runs on.
    public let configuration: FailoverConfiguration
    /// The metrics it exposes.
    public let metrics: ServiceMetrics
    let store: StateStore
    let writer: IngestWriter
    let server: HTTPServer
    /// The runbook engine.
    public let engine: RunbookEngine
    /// The engine's side of the store.
    public let ledger: RunbookLedger
    /// The runbooks and firing-period settings in force.
    public let policy: RunbookPolicy
    let logger: Logger
    /// The configuration file the service was started from, if any: recorded in the audit log at start.
    public let configurationFile: String?
    let access: AccessPolicy
    let directory: ProviderDirectory
    let secrets: SecretResolver
    /// Reads the configuration again for a reload; nil when the service runs without a file.
    let reloadSource: ConfigurationSource?
    /// The configuration in force (the last one loaded successfully) and the reload bookkeeping.
    let reloads: Mutex<ReloadState>
    private let retention = Mutex<Task<Void, Never>?>(nil)
    /// Signs the audit chain's head, with `audit.signing_key_file`.
    let signer: AuditHeadSigner?

    /// Prepares the service: resolves secrets, opens and migrates the database, builds the routes.
    ///
    /// - Parameters:
    ///   - configurationFile: the file `configuration` was read from, if any.
    ///   - reloadSource: reads the configuration again on SIGHUP or `POST /-/reload`; nil refuses reloads.
    ///   - dnsProviders: provider accounts by name, replacing the configured ones (tests); `nil` builds the
    ///     configured accounts.
    public init(
        configuration: FailoverConfiguration, configurationFile: String? = nil,
        reloadSource: ConfigurationSource? = nil, logger: Logger, secrets: SecretResolver = SecretResolver(),
        dnsProviders: [String: any DNSProvider]? = nil
    ) throws(ServiceError) {
        self.configuration = configuration
        self.configurationFile = configurationFile
        self.reloadSource = reloadSource
        self.secrets = secrets
        reloads = Mutex(ReloadState(configuration: configuration))
        self.logger = logger
        let metrics = ServiceMetrics()
        self.metrics = metrics
        let httpMetrics = HTTPMetrics(registry: metrics.registry)
        let failureLimit = configuration.server.auth.failureLimit
        access = AccessPolicy(
            webhook: .open, read: .open, failureLimit: (failureLimit.maxFailures, failureLimit.window), logger: logger,
            onFailure: { door, reason in httpMetrics.countAuthFailure(door: door, reason: reason) })
        access.replace(try Self.accessRules(configuration.server, secrets))
        let tls = try Self.readTLS(configuration.server.tls)
        if let dnsProviders {
            directory = ProviderDirectory(providers: dnsProviders)
            reloads.withLock { $0.providersFixed = true }
        } else {
            directory = try ProviderDirectory(
                accounts: configuration.providers, secrets: secrets, metrics: metrics, logger: logger)
        }
        let signingKey = try Self.signingKey(configuration.audit)
        let store: StateStore
        do {
            store = try StateStore(
                path: configuration.storage.path, busyTimeout: configuration.storage.busyTimeout, logger: logger)
        } catch {
            throw .storage(error.message)
        }
        self.store = store
        signer = signingKey.map { key in
            AuditHeadSigner(
                key: key, store: store, interval: configuration.audit.signingInterval, logger: logger,
                metrics: metrics)
        }
        let policy = RunbookPolicy(
            RunbookPolicy.Settings(
                catalog: configuration.runbooks, reopenWindow: configuration.ingest.reopenWindow,
                dryRun: configuration.engine.dryRun))
        self.policy = policy
        let wakeup = EngineWakeup()
        writer = IngestWriter(
            store: store, maxBatchSize: configuration.ingest.maxBatchSize,
            maxPending: configuration.ingest.maxPending, logger: logger, policy: policy,
            onBatch: { report in metrics.record(batch: report) }, onScheduled: { wakeup.wake() })
        let ledger = RunbookLedger(writer: writer, store: store)
        self.ledger = ledger
        let engineSettings = configuration.engine
        engine = RunbookEngine(
            configuration: EngineConfiguration(
                workers: engineSettings.workers, lease: engineSettings.lease,
                pollInterval: engineSettings.pollInterval),
            ledger: ledger, definition: policy.definition(named:digest:), dns: directory,
            http: ServiceHTTPStepClient(logger: logger),
            processes: ProcessStepLauncher(runner: ProcessRunner(logger: logger)), logger: logger,
            observer: metrics)
        wakeup.engine = engine

        var router = HTTPRouter()
        WebhookController(access: access, writer: writer, metrics: metrics, logger: logger)
            .register(in: &router)
        HealthController(writer: writer).register(in: &router)
        StateViewController(store: store, access: access).register(in: &router)
        AuditController(store: store, access: access).register(in: &router)
        MetricsController(metrics: metrics, store: store, writer: writer, policy: policy, access: access).register(
            in: &router)
        RunbookController(store: store, ledger: ledger, policy: policy, access: access, wake: { wakeup.wake() })
            .register(in: &router)
        let reloadTarget = ReloadTarget()
        ReloadController(
            access: access,
            reload: { actor in
                await reloadTarget.service?.reload(trigger: "api", requestedBy: actor)
                    ?? ConfigurationReloadOutcome.stopping(requestedBy: actor)
            }, canReload: reloadSource != nil
        ).register(in: &router)
        let listenHost = configuration.server.listenAddress.host
        StatusPageController(
            store: store, writer: writer, policy: policy, access: access,
            listenAddress: { "\(listenHost):\(reloadTarget.service?.port ?? 0)" }
        ).register(in: &router)

        let server = configuration.server
        let access = access
        self.server = HTTPServer(
            configuration: HTTPServerConfiguration(
                host: server.listenAddress.host, port: server.listenAddress.port,
                maxBodyBytes: server.maxRequestBodyBytes, connectionLimit: server.maxConnections,
                perAddressConnectionLimit: server.maxConnectionsPerAddress,
                connectionTimeoutSeconds: Int(server.connectionTimeout.components.seconds),
                requestTimeout: server.requestTimeout, maxHeaderBytes: server.maxHeaderBytes,
                pollingThreads: Self.pollingThreads(processors: ProcessInfo.processInfo.activeProcessorCount),
                tls: tls),
            router: router, logger: logger,
            admission: { head in access.admit(head) },
            onResponse: { summary in
                httpMetrics.record(summary)
                // The body cap is enforced by the server before the webhook handler runs.
                if summary.route == "/webhook" && summary.status == 413 {
                    metrics.countWebhook(outcome: "payload_too_large")
                }
                // So are the credential and the allow-list, before the body is read.
                if summary.route == "/webhook" && (summary.status == 401 || summary.status == 403) {
                    metrics.countWebhook(outcome: "unauthorized")
                }
            },
            onRefusal: { refusal in httpMetrics.countRefusal(refusal) })
        if access.webhook.isOpen {
            logger.warning(
                "POST /webhook accepts unauthenticated requests: set server.auth.webhook in the configuration")
        }
        if access.read.isOpen {
            logger.warning("the operator API (/api/v1) is open to anyone: set server.auth.read in the configuration")
        }
        if access.admin.isOpen, !configuration.runbooks.runbooks.isEmpty {
            logger.warning(
                "anyone who reaches the API may execute, fail back, pause and cancel runbooks: set server.auth.admin")
        }
        for warning in configuration.warnings {
            logger.warning("configuration: \(warning)")
        }
        if configuration.engine.dryRun {
            logger.notice("dry run: runbooks read and plan DNS changes but change nothing outside failoverd")
        }
        reloadTarget.service = self
    }

    /// Polling threads for `processors` cores: one core stays with the ingest writer, at most 4 threads.
    ///
    /// Every webhook costs about as much CPU on the polling thread (HTTP and decoding) as on the writer
    /// (SQLite). On the 2-core development VM a second polling thread lowered `make bench` throughput by about a
    /// tenth: the three threads took turns on two cores.
    static func pollingThreads(processors: Int) -> Int {
        min(max(processors - 1, 1), 4)
    }

    /// The credentials and networks of `server`, with every secret resolved.
    static func accessRules(
        _ server: ServerSettings, _ secrets: SecretResolver
    ) throws(ServiceError) -> AccessPolicy.Credentials {
        let auth = server.auth
        var rules = AccessPolicy.Credentials(
            webhook: try authenticator(auth.webhook, "server.auth.webhook", secrets),
            read: try authenticator(auth.read, "server.auth.read", secrets),
            admin: try authenticator(auth.admin, "server.auth.admin", secrets),
            protectMetrics: auth.protectMetrics, trustedProxies: server.trustedProxies)
        for (door, settings) in [(AccessDoor.webhook, auth.webhook), (.read, auth.read), (.admin, auth.admin)] {
            if let networks = settings.allowedNetworks { rules.allowedNetworks[door] = networks }
        }
        return rules
    }

    /// Reads the listener's key, certificate and client CA files, once, at start.
    static func readTLS(_ settings: TLSSettings?) throws(ServiceError) -> HTTPServerTLS? {
        guard let settings else { return nil }
        func read(_ path: String, _ setting: String) throws(ServiceError) -> String {
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw .secret("\(setting): cannot read \(path)")
            }
            guard let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN ") else {
                throw .secret("\(setting): \(path) is not a PEM file")
            }
            return text
        }
        return HTTPServerTLS(
            keyPEM: try read(settings.keyFile, "server.tls.key_file"),
            certificatePEM: try read(settings.certificateFile, "server.tls.cert_file"),
            clientCAPEM: try settings.clientCAFile.map { file throws(ServiceError) in
                try read(file, "server.tls.client_ca_file")
            })
    }

    static func authenticator(
        _ settings: CredentialSettings, _ path: String, _ secrets: SecretResolver
    ) throws(ServiceError) -> CallerAuthenticator {
        do {
            return CallerAuthenticator(
                bearerToken: try settings.bearerToken.map { reference throws(SecretResolutionError) in
                    try secrets.resolve(reference)
                },
                basicUsername: settings.basicAuth?.username,
                basicPassword: try settings.basicAuth.map { basic throws(SecretResolutionError) in
                    try secrets.resolve(basic.password)
                })
        } catch {
            throw .secret("\(path): \(error.message)")
        }
    }

    /// The key of `audit.signing_key_file`, `nil` without one.
    static func signingKey(_ settings: AuditSettings) throws(ServiceError) -> AuditSigningKey? {
        guard let path = settings.signingKeyFile else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .secret("audit.signing_key_file: cannot read \(path)")
        }
        do {
            return try AuditSigningKey(pem: String(decoding: data, as: UTF8.self))
        } catch {
            throw .secret("audit.signing_key_file: \(path): \(error.message)")
        }
    }

    /// Records a service lifecycle event; a failure is logged, never fatal.
    @discardableResult
    func recordLifecycle(
        _ type: AuditEventType, actor: String = "failoverd", outcome: AuditOutcome = .success, detail: AuditDetail
    ) async -> AuditEvent? {
        let draft = AuditEventDraft(
            type: type, actor: actor, recordedAtMilliseconds: Int64(Date().timeIntervalSince1970 * 1000),
            outcome: outcome,
            detail: detail)
        do {
            return try await store.appendAuditEvent(draft)
        } catch {
            logger.warning("cannot record \(type.rawValue) in the audit log", metadata: ["error": "\(error.message)"])
            return nil
        }
    }

    /// Logs the audit chain's head (one line, `head_id` and `head_hash`): published outside the database, it is
    /// an anchor for `failoverd audit verify --anchor ID:HASH`.
    func logAuditHead(_ moment: String, head: AuditAnchor?) async {
        var known = head
        if known == nil { known = try? await store.auditHead() }
        guard let known else { return }
        logger.notice(
            "audit chain head",
            metadata: ["at": "\(moment)", "head_id": "\(known.id)", "head_hash": "\(known.hash?.hex ?? "")"])
    }

    /// Records `config.loaded` (with the file's SHA-256) when a file was read, then `service.started`, in the
    /// audit log; call once the service listens.
    public func recordStarted(configurationFile: String? = nil) async {
        if let configurationFile, let bytes = FileManager.default.contents(atPath: configurationFile) {
            await recordLifecycle(
                .configurationLoaded,
                detail: [
                    "file": .string(configurationFile),
                    "sha256": .string(SHA256.hash(data: bytes).hexadecimal),
                ])
        }
        let started = await recordLifecycle(
            .serviceStarted,
            detail: [
                "version": .string(FailoverdBuild.version),
                "listen": .string("\(configuration.server.listenAddress.host):\(server.port)"),
                "storage": .string(configuration.storage.path),
            ])
        await logAuditHead("start", head: started.map { AuditAnchor(id: $0.id, hash: $0.hash) })
    }

    /// Prunes old webhook bodies and audit events every `retention.interval`, in small batches.
    private func startRetention() {
        let settings = configuration.retention
        guard settings.deliveryBodies != nil || settings.auditEvents != nil else { return }
        func days(_ duration: Duration?) -> Int? {
            duration.map { max(1, Int($0.components.seconds / 86_400)) }
        }
        let policy = AuditRetentionPolicy(
            deliveryBodyDays: days(settings.deliveryBodies), eventDays: days(settings.auditEvents))
        let store = store
        let logger = logger
        let task = Task {
            while !Task.isCancelled {
                do {
                    let report = try await store.applyRetention(
                        policy, now: Int64(Date().timeIntervalSince1970 * 1000))
                    if report.bodiesPruned > 0 || report.eventsPruned > 0 {
                        logger.info(
                            "retention pruned old data",
                            metadata: ["bodies": "\(report.bodiesPruned)", "events": "\(report.eventsPruned)"])
                    }
                } catch {
                    logger.warning("retention failed; retrying at the next interval", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: settings.interval)
            }
        }
        retention.withLock { $0 = task }
    }

    /// Starts listening.
    public func start() throws(ServiceError) {
        do {
            try server.start()
        } catch {
            writer.shutdown()
            store.close()
            throw .listen(error.message)
        }
        startRetention()
        signer?.start()
        engine.start()
        logger.info(
            "failoverd started",
            metadata: [
                "version": "\(FailoverdBuild.version)",
                "listen": "\(configuration.server.listenAddress.host):\(server.port)",
                "storage": "\(configuration.storage.path)",
            ])
    }

    /// The port the HTTP server listens on (the chosen one when configured with port 0).
    public var port: UInt16 { server.port }

    /// Graceful stop: no new connections, requests in flight answered, pending webhooks committed,
    /// database checkpointed and closed.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        logger.info("failoverd stopping")
        await server.shutdown(gracePeriod: gracePeriod)
        await engine.shutdown(gracePeriod: gracePeriod)
        if let task = retention.withLock({ $0 }) {
            task.cancel()
            await task.value
        }
        writer.shutdown()
        let stopped = await recordLifecycle(.serviceStopped, detail: ["version": .string(FailoverdBuild.version)])
        await signer?.stop()
        await logAuditHead("stop", head: stopped.map { AuditAnchor(id: $0.id, hash: $0.hash) })
        store.close()
        logger.info("failoverd stopped")
    }
}

/// Lets `POST /-/reload`, registered while the service is built, reach it once it is.
final class ReloadTarget: @unchecked Sendable {
    // Set once at the end of `FailoverService.init`, before the server listens.
    weak var service: FailoverService?
}

/// Lets the writer wake the engine, which is created after it.
final class EngineWakeup: @unchecked Sendable {
    // Set once in `FailoverService.init`, before the writer can commit anything that schedules work. Weak: the
    // engine holds the ledger, which holds the writer, which holds this; a strong reference made a cycle that kept
    // the writer, the engine and the store alive after shutdown (LeakSanitizer reported it for every service).
    weak var engine: RunbookEngine?

    func wake() { engine?.wake() }
}
