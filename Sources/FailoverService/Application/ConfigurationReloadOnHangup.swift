import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on every SIGHUP (what `systemctl reload` sends), until the graceful shutdown.
///
/// Run it in the same `ServiceGroup` as the service, after it, so that it stops first.
public struct ConfigurationReloadOnHangup: Service {
    let service: FailoverService

    /// Reloads `service`'s configuration on SIGHUP.
    public init(service: FailoverService) {
        self.service = service
    }

    /// Waits for SIGHUP and reloads, one reload at a time; returns at the graceful shutdown.
    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            _ = await service.reload(trigger: "signal", requestedBy: "failoverd")
        }
    }
}
