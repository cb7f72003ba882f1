/// One recorded audit event: a draft with its place in the log (a monotonically increasing id) and its link in
/// the hash chain.
public struct AuditEvent: Sendable, Hashable {
    /// Position in the log, from 1, increasing by one per event and never reused.
    public var id: Int64
    /// When it happened, in milliseconds since the epoch (UTC); never decreases along ids.
    public var recordedAtMilliseconds: Int64
    /// What happened.
    public var type: AuditEventType
    /// Who acted.
    public var actor: String
    /// How it turned out.
    public var outcome: AuditOutcome
    /// The episode it concerns.
    public var episode: Int64?
    /// The runbook execution it concerns.
    public var execution: Int64?
    /// The runbook's name.
    public var runbook: String?
    /// The alert's fingerprint.
    public var fingerprint: String?
    /// The alert's name.
    public var alertname: String?
    /// Structured facts.
    public var detail: AuditDetail
    /// `SHA-256(previous event's hash ‖ canonical encoding of this event)`.
    public var hash: AuditHash

    /// An event from its fields, as read from storage.
    public init(
        id: Int64, recordedAtMilliseconds: Int64, type: AuditEventType, actor: String, outcome: AuditOutcome,
        episode: Int64?, execution: Int64?, runbook: String?, fingerprint: String?, alertname: String?,
        detail: AuditDetail, hash: AuditHash
    ) {
        self.id = id
        self.recordedAtMilliseconds = recordedAtMilliseconds
        self.type = type
        self.actor = actor
        self.outcome = outcome
        self.episode = episode
        self.execution = execution
        self.runbook = runbook
        self.fingerprint = fingerprint
        self.alertname = alertname
        self.detail = detail
        self.hash = hash
    }

    /// The event a draft becomes at `id` after `previous`, with its time raised to `notBefore` when older.
    public init(draft: AuditEventDraft, id: Int64, previous: AuditHash, notBefore: Int64 = .min) {
        var buffer: [UInt8] = []
        self.init(draft: draft, id: id, previous: previous, notBefore: notBefore, buffer: &buffer)
    }

    /// As ``init(draft:id:previous:notBefore:)``, encoding into `buffer` (cleared first) to reuse its storage.
    public init(
        draft: AuditEventDraft, id: Int64, previous: AuditHash, notBefore: Int64 = .min, buffer: inout [UInt8]
    ) {
        self.init(
            id: id, recordedAtMilliseconds: max(draft.recordedAtMilliseconds, notBefore), type: draft.type,
            actor: draft.actor, outcome: draft.outcome, episode: draft.episode, execution: draft.execution,
            runbook: draft.runbook, fingerprint: draft.fingerprint, alertname: draft.alertname,
            detail: draft.detail, hash: .genesis)
        buffer.removeAll(keepingCapacity: true)
        appendCanonicalEncoding(to: &buffer)
        hash = AuditHash.chaining(previous: previous, canonicalEncoding: buffer)
    }

    /// The time as RFC 3339 in UTC with exactly three fraction digits (`2026-11-21T16:37:18.416Z`).
    public var recordedAt: String {
        var bytes: [UInt8] = []
        AuditTime.appendRFC3339(milliseconds: recordedAtMilliseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `hash` is the right link after `previous` for the event's current content.
    public func isLinked(after previous: AuditHash) -> Bool {
        var buffer: [UInt8] = []
        appendCanonicalEncoding(to: &buffer)
        return AuditHash.chaining(previous: previous, canonicalEncoding: buffer) == hash
    }
}
