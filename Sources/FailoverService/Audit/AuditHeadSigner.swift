import FailoverCore
import FailoverStore
import Foundation
import Logging
import Synchronization

/// Signs the audit chain's head with `audit.signing_key_file`'s key: at once when started, then every
/// `audit.signing_interval` when the head moved, and a last time when stopped (after `service.stopped`).
///
/// Signed heads go to `audit_signed_heads` beside the chain (``StateStore/signAuditHead(with:now:)``); a failure
/// is logged and retried at the next interval, never fatal: signing adds proof, the service does not depend on it.
final class AuditHeadSigner: Sendable {
    private let key: AuditSigningKey
    private let store: StateStore
    private let interval: Duration
    private let logger: Logger
    private let metrics: ServiceMetrics
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(key: AuditSigningKey, store: StateStore, interval: Duration, logger: Logger, metrics: ServiceMetrics) {
        self.key = key
        self.store = store
        self.interval = interval
        self.logger = logger
        self.metrics = metrics
    }

    /// Starts signing periodically.
    func start() {
        let interval = interval
        let loop = Task { [self] in
            while !Task.isCancelled {
                await sign()
                try? await Task.sleep(for: interval)
            }
        }
        task.withLock { $0 = loop }
    }

    /// Stops the periodic signing and signs the head once more.
    func stop() async {
        if let loop = task.withLock({ $0 }) {
            loop.cancel()
            await loop.value
        }
        await sign()
    }

    /// Signs the head if it moved since the last signed head.
    func sign() async {
        do {
            guard
                let signed = try await store.signAuditHead(
                    with: key, now: Int64(Date().timeIntervalSince1970 * 1000))
            else { return }
            metrics.auditSignedHeadID.set(Double(signed.headID))
            logger.debug(
                "audit chain head signed",
                metadata: [
                    "head_id": "\(signed.headID)", "head_hash": "\(signed.headHash.hex)", "key_id": "\(signed.keyID)",
                ])
        } catch {
            logger.warning(
                "cannot sign the audit chain head; retrying at the next interval", metadata: ["error": "\(error)"])
        }
    }
}
