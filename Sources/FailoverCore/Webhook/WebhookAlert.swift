/// One alert of an Alertmanager webhook (`alerts[]`).
public struct WebhookAlert: Sendable, Hashable {
    /// This alert's own state; a `firing` message may carry `resolved` alerts.
    public var status: AlertStatus
    /// The alert's label set.
    public var labels: [String: String]
    /// The alert's annotations.
    public var annotations: [String: String]
    /// When the alert started firing: together with `fingerprint` the key of its episode.
    public var startsAt: Timestamp
    /// When the alert ended; `nil` for Go's zero time, which every firing alert carries.
    public var endsAt: Timestamp?
    /// Link to the expression in Prometheus that fired.
    public var generatorURL: String
    /// Alertmanager's hash of the label set: stable across repeats, peers and firing → resolved.
    public var fingerprint: String
    /// The `labels` object as it stood in the decoded body (JSON), so storing it costs no re-encoding;
    /// `nil` for alerts built in code.
    public var labelsText: String?
    /// The `annotations` object as it stood in the decoded body (JSON); `nil` for alerts built in code.
    public var annotationsText: String?

    /// Creates an alert.
    public init(
        status: AlertStatus, labels: [String: String], annotations: [String: String] = [:], startsAt: Timestamp,
        endsAt: Timestamp? = nil, generatorURL: String = "", fingerprint: String, labelsText: String? = nil,
        annotationsText: String? = nil
    ) {
        self.status = status
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
        self.fingerprint = fingerprint
        self.labelsText = labelsText
        self.annotationsText = annotationsText
    }

    /// The `alertname` label, or the empty string.
    public var alertname: String { labels["alertname"] ?? "" }

    /// The episode this alert notification belongs to.
    public var episodeKey: EpisodeKey { EpisodeKey(fingerprint: fingerprint, startsAt: startsAt) }
}
