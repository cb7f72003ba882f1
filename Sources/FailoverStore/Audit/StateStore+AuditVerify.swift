import FailoverCore
import GRDB

extension StateStore {
    /// Walks the audit chain in id order and reports "intact, N events" or the first broken link.
    ///
    /// Events are read in batches of `batchSize`, each in a short read transaction of its own (writers are never
    /// held up and memory stays flat); events appended after the walk started are left for the next run. The
    /// retention checkpoints are read first, because they come after the events they account for. The walk is
    /// the one every reader shares (`DatabaseReader.auditChainVerification`), the read-only store's included.
    /// An `anchor` must be reached with its hash; with `publicKeys`, every signed head must verify and be reached
    /// with its hash, and there must be one.
    public func verifyAuditLog(
        batchSize: Int = 20_000, anchor: AuditAnchor? = nil, publicKeys: [AuditVerifyingKey] = []
    ) async throws(StoreError) -> AuditVerification {
        try await pool.auditChainVerification(batchSize: batchSize, anchor: anchor, publicKeys: publicKeys)
    }
}
