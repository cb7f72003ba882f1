import FailoverCore

/// One alert of one notification a ``WebhookRecorder`` received: what the receiver learnt about the alert at that
/// moment, and from which Alertmanager peer.
public struct RecordedAlert: Sendable, Hashable, CustomStringConvertible {
    /// The alert's own status in the notification (a `firing` notification can carry resolved alerts).
    public var status: AlertStatus
    /// Alertmanager's fingerprint of the label set.
    public var fingerprint: String
    /// The label set.
    public var labels: [String: String]
    /// The firing period's start as Alertmanager knows it now.
    public var startsAt: Timestamp
    /// When the alert ended; `nil` for Go's zero time, which every firing alert carries.
    public var endsAt: Timestamp?
    /// The sending peer's `externalURL` (``AlertmanagerProcess/url``).
    public var sender: String
    /// When the notification arrived (the recorder's wall clock).
    public var receivedAt: Timestamp
    /// The notification's position among everything the recorder received (0, 1, …).
    public var notificationIndex: Int

    /// Creates a recorded alert.
    public init(
        status: AlertStatus, fingerprint: String, labels: [String: String], startsAt: Timestamp, endsAt: Timestamp?,
        sender: String, receivedAt: Timestamp, notificationIndex: Int
    ) {
        self.status = status
        self.fingerprint = fingerprint
        self.labels = labels
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.sender = sender
        self.receivedAt = receivedAt
        self.notificationIndex = notificationIndex
    }

    /// The `alertname` label, or the empty string.
    public var alertname: String { labels["alertname"] ?? "" }

    /// Whether this is a notification of `status` for the period starting at `startsAt`.
    public func matches(_ status: AlertStatus, startsAt: Timestamp) -> Bool {
        self.status == status && self.startsAt == startsAt
    }

    /// `#3 resolved startsAt=… endsAt=… from http://127.0.0.1:… at …`.
    public var description: String {
        "#\(notificationIndex) \(status.rawValue) startsAt=\(startsAt.rfc3339) endsAt=\(endsAt?.rfc3339 ?? "-") "
            + "from \(sender) at \(receivedAt.rfc3339)"
    }
}

extension Array where Element == RecordedAlert {
    /// Finds `steps` in order in this sequence, each after the previous one, with anything (duplicates, repeats)
    /// allowed between them: the indices of the earliest match, or `nil` when the sequence does not contain them.
    public func indices(matchingInOrder steps: [(RecordedAlert) -> Bool]) -> [Int]? {
        var found: [Int] = []
        var next = startIndex
        for step in steps {
            guard let index = self[next...].firstIndex(where: step) else { return nil }
            found.append(index)
            next = index + 1
        }
        return found
    }

    /// One line per alert, for failure messages.
    public var listing: String { isEmpty ? "(none)" : map(\.description).joined(separator: "\n") }
}
