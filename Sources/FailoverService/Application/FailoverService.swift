import FailoverConfig
import FailoverCore
import FailoverHTTPServer
import FailoverStore
import Foundation
import Logging

/// A running failoverd: the state store, the group-commit writer and the HTTP API, wired from a configuration.
///
/// Lifecycle: `init` opens the database and resolves secrets, ``start()`` listens, ``shutdown()`` stops
/// accepting, answers requests in flight, commits what waits and closes the database.
public final class FailoverService: Sendable {
    /// The configuration the service runs on.
    public let configuration: FailoverConfiguration
    /// The metrics it exposes.
    public let metrics: ServiceMetrics
    let store: StateStore
    let writer: IngestWriter
    let server: HTTPServer
    let logger: Logger

    /// Prepares the service: resolves secrets, opens and migrates the database, builds the routes.
    public init(
        configuration: FailoverConfiguration, logger: Logger, secrets: SecretResolver = SecretResolver()
    ) throws(ServiceError) {
        self.configuration = configuration
        self.logger = logger
        let webhookAuth = configuration.server.auth.webhook
        let authenticator: CallerAuthenticator
        do {
            authenticator = CallerAuthenticator(
                bearerToken: try webhookAuth.bearerToken.map { reference throws(SecretResolutionError) in
                    try secrets.resolve(reference)
                },
                basicUsername: webhookAuth.basicAuth?.username,
                basicPassword: try webhookAuth.basicAuth.map { basic throws(SecretResolutionError) in
                    try secrets.resolve(basic.password)
                })
        } catch {
            throw .secret("server.auth.webhook: \(error.message)")
        }
        let metrics = ServiceMetrics()
        self.metrics = metrics
        do {
            store = try StateStore(
                path: configuration.storage.path, busyTimeout: configuration.storage.busyTimeout, logger: logger)
        } catch {
            throw .storage(error.message)
        }
        writer = IngestWriter(
            store: store, maxBatchSize: configuration.ingest.maxBatchSize,
            maxPending: configuration.ingest.maxPending, logger: logger,
            onBatch: { report in metrics.record(batch: report) })

        var router = HTTPRouter()
        WebhookController(authenticator: authenticator, writer: writer, metrics: metrics, logger: logger)
            .register(in: &router)
        HealthController(writer: writer).register(in: &router)
        StateViewController(store: store).register(in: &router)
        MetricsController(metrics: metrics, store: store, writer: writer).register(in: &router)

        let httpMetrics = HTTPMetrics(registry: metrics.registry)
        let server = configuration.server
        self.server = HTTPServer(
            configuration: HTTPServerConfiguration(
                host: server.listenAddress.host, port: server.listenAddress.port,
                maxBodyBytes: server.maxRequestBodyBytes, connectionLimit: server.maxConnections,
                connectionTimeoutSeconds: Int(server.connectionTimeout.components.seconds),
                pollingThreads: min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 4)),
            router: router, logger: logger,
            onResponse: { summary in
                httpMetrics.record(summary)
                // The body cap is enforced by the server before the webhook handler runs.
                if summary.route == "/webhook" && summary.status == 413 {
                    metrics.countWebhook(outcome: "payload_too_large")
                }
            })
        if authenticator.isOpen {
            logger.warning(
                "POST /webhook accepts unauthenticated requests: set server.auth.webhook in the configuration")
        }
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
        writer.shutdown()
        store.close()
        logger.info("failoverd stopped")
    }
}
