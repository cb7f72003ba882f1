/// Identifies one firing period of one alert: Alertmanager's fingerprint plus the alert's `startsAt`.
///
/// The same alert firing again next week has the same fingerprint and a new `startsAt`, so it is a new episode.
public struct EpisodeKey: Sendable, Hashable, CustomStringConvertible {
    /// Alertmanager's fingerprint of the label set.
    public var fingerprint: String
    /// When the alert started firing.
    public var startsAt: Timestamp

    /// Creates a key.
    public init(fingerprint: String, startsAt: Timestamp) {
        self.fingerprint = fingerprint
        self.startsAt = startsAt
    }

    public var description: String { "\(fingerprint)@\(startsAt.rfc3339)" }
}
