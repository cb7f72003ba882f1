/// The state of one alert in a notification, as Alertmanager sends it.
public enum AlertStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The alert fires.
    case firing
    /// The alert has stopped firing.
    case resolved
}
