import ServiceLifecycle

/// failoverd under swift-service-lifecycle: `failoverd serve` runs this service in a `ServiceGroup` that turns
/// SIGTERM and SIGINT into a graceful shutdown.
extension FailoverService: Service {
    /// Listens, records the start in the audit log, then waits for the graceful shutdown (or cancellation) and
    /// stops in order: see ``shutdown(gracePeriod:)``.
    ///
    /// - Throws: ``ServiceError`` when the service cannot listen; nothing was started then.
    public func run() async throws {
        try start()
        await recordStarted(configurationFile: configurationFile)
        // Throws only when the task is cancelled instead of shut down gracefully; both end the same way.
        try? await gracefulShutdown()
        await shutdown()
    }
}
