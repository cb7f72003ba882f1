import FailoverCore
import FailoverStore

/// The records one status page is made of, read with the store's existing queries (the same the JSON API answers
/// from) and the writer's readiness probe.
struct StatusPageSnapshot: Sendable {
    /// How many executions (with their steps) and audit events the page shows.
    static let recentCount = 20
    /// How many open incidents it lists at most.
    static let incidentLimit = 100
    /// How far back suppressed executions count as recent.
    static let suppressionWindowMilliseconds: Int64 = 86_400_000

    /// The runbooks and the global dry run in force.
    var settings: RunbookPolicy.Settings
    /// Every runbook key with state.
    var keys: [RunbookKeyView]
    /// The paused runbooks.
    var pauses: [RunbookPauseView]
    /// Open incidents, newest first.
    var incidents: [IncidentRecord]
    /// The latest executions, newest first, each with its steps.
    var executions: [ExecutionRecord]
    /// Suppressed executions of the window, newest first.
    var suppressed: [ExecutionRecord]
    /// The latest audit events, newest first.
    var events: [AuditEvent]
    /// `nil` when the writer answered its probe, else why not.
    var notReady: String?
    /// The SHA-256 of the configuration file in force, when this process recorded one.
    var configurationDigest: String?

    /// Reads everything; `startedAt` (milliseconds) bounds the search for this process's configuration digest.
    static func read(
        store: StateStore, writer: IngestWriter, policy: RunbookPolicy, startedAt: Int64, now: Int64
    ) async throws(StoreError) -> StatusPageSnapshot {
        let notReady: String? =
            switch await writer.probe() {
            case .success: nil
            case .failure(let error): error.message
            }
        let (keys, pauses) = try await store.runbookKeys()
        let incidents = try await store.incidents(RunbookRecordQuery(state: "open", limit: incidentLimit))
        var executions: [ExecutionRecord] = []
        for summary in try await store.executions(RunbookRecordQuery(limit: recentCount)) {
            executions.append(try await store.execution(id: summary.id) ?? summary)
        }
        let suppressed = try await store.executions(
            RunbookRecordQuery(state: ExecutionState.suppressed.rawValue, limit: 1000)
        ).filter { record in
            (Timestamp(rfc3339: record.createdAt)?.millisecondsSinceEpoch ?? now) >= now
                - suppressionWindowMilliseconds
        }
        let events = try await store.auditPage(AuditQuery(limit: recentCount)).events
        return StatusPageSnapshot(
            settings: policy.settings, keys: keys, pauses: pauses, incidents: incidents, executions: executions,
            suppressed: suppressed, events: events, notReady: notReady,
            configurationDigest: try await configurationDigest(store: store, since: startedAt))
    }

    /// The digest of the newest `config.loaded` or successful `config.reloaded` event of this process (recorded
    /// since it started): the file in force. `nil` when it runs without a file (or has not recorded it yet).
    private static func configurationDigest(store: StateStore, since: Int64) async throws(StoreError) -> String? {
        let loaded = try await store.auditPage(AuditQuery(since: since, type: .configurationLoaded, limit: 1))
        let reloaded = try await store.auditPage(
            AuditQuery(since: since, type: .configurationReloaded, outcome: .success, limit: 1))
        let newest = (loaded.events + reloaded.events).max { $0.id < $1.id }
        guard case .string(let digest)? = newest?.detail["sha256"] else { return nil }
        return digest
    }
}
