/// How the action an audit event records turned out. A closed set: the raw values are stored and hashed.
public enum AuditOutcome: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// It happened as intended (also the outcome of purely informational events).
    case success
    /// It was attempted and failed.
    case failure
    /// A policy decided not to act (cooldown, flapping guard, dry run).
    case suppressed
    /// It was stopped before it completed.
    case cancelled
    /// It was refused before being attempted (authorization, validation).
    case rejected

    /// The raw value.
    public var description: String { rawValue }
}
