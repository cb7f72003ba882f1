import FailoverCore
import Foundation

/// One webhook request a ``WebhookRecorder`` received, kept byte for byte, with what it says.
public struct RecordedNotification: Sendable {
    /// When it arrived (the recorder's wall clock).
    public var receivedAt: Timestamp
    /// Its position among everything the recorder received (0, 1, …).
    public var index: Int
    /// The request path.
    public var path: String
    /// The `Authorization` header, if any.
    public var authorization: String?
    /// The body exactly as sent.
    public var body: [UInt8]
    /// The top-level `status`; `nil` when the body is not a webhook.
    public var status: AlertStatus?
    /// The sending peer's `externalURL`.
    public var externalURL: String
    /// The `groupKey`.
    public var groupKey: String
    /// The alerts it carries, in order.
    public var alerts: [RecordedAlert]

    /// Records a request: parses the webhook body as far as it is one (a body that is not leaves `status` `nil`
    /// and `alerts` empty; its bytes are still kept).
    public init(
        index: Int, receivedAt: Timestamp, path: String, authorization: String?, body: [UInt8]
    ) {
        self.index = index
        self.receivedAt = receivedAt
        self.path = path
        self.authorization = authorization
        self.body = body
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        status = (object["status"] as? String).flatMap(AlertStatus.init(rawValue:))
        externalURL = object["externalURL"] as? String ?? ""
        groupKey = object["groupKey"] as? String ?? ""
        let sender = externalURL
        alerts = (object["alerts"] as? [[String: Any]] ?? []).compactMap { alert in
            guard let status = (alert["status"] as? String).flatMap(AlertStatus.init(rawValue:)),
                let startsAt = (alert["startsAt"] as? String).flatMap({ Timestamp(rfc3339: $0) })
            else { return nil }
            let endsAt = (alert["endsAt"] as? String).flatMap { Timestamp(rfc3339: $0) }
            return RecordedAlert(
                status: status, fingerprint: alert["fingerprint"] as? String ?? "",
                labels: alert["labels"] as? [String: String] ?? [:], startsAt: startsAt,
                endsAt: endsAt?.isGoZero == true ? nil : endsAt, sender: sender, receivedAt: receivedAt,
                notificationIndex: index)
        }
    }

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
