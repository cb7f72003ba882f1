import Foundation

extension AlertmanagerWebhook {
    /// Decodes and validates a request body against the Alertmanager v4 webhook contract.
    ///
    /// - Throws: ``WebhookDecodingError`` naming the first field that is wrong.
    public static func decode(_ body: some Collection<UInt8>) throws(WebhookDecodingError) -> AlertmanagerWebhook {
        let wire: WireWebhook
        do {
            wire = try JSONDecoder().decode(WireWebhook.self, from: Data(body))
        } catch let error as DecodingError {
            throw Self.translate(error)
        } catch {
            throw .malformedJSON(String(describing: error))
        }
        guard let version = wire.version else { throw .notVersion4("the field \"version\" is missing") }
        guard version == "4" else { throw .notVersion4("version is \"\(version)\", expected \"4\"") }
        guard let wireAlerts = wire.alerts else { throw .notVersion4("the field \"alerts\" is missing") }
        guard let groupKey = wire.groupKey else { throw .invalidField("groupKey", "required") }
        let status = try Self.status(wire.status, path: "status")
        var alerts: [WebhookAlert] = []
        alerts.reserveCapacity(wireAlerts.count)
        for (index, wireAlert) in wireAlerts.enumerated() {
            alerts.append(try Self.alert(wireAlert, path: "alerts[\(index)]"))
        }
        let truncated = wire.truncatedAlerts ?? 0
        guard truncated >= 0 else { throw .invalidField("truncatedAlerts", "must not be negative") }
        return AlertmanagerWebhook(
            receiver: wire.receiver ?? "", status: status, alerts: alerts, groupLabels: wire.groupLabels ?? [:],
            commonLabels: wire.commonLabels ?? [:], commonAnnotations: wire.commonAnnotations ?? [:],
            externalURL: wire.externalURL ?? "", groupKey: groupKey, truncatedAlerts: truncated)
    }

    private static func status(_ text: String?, path: String) throws(WebhookDecodingError) -> AlertStatus {
        guard let text else { throw .invalidField(path, "required") }
        guard let status = AlertStatus(rawValue: text) else {
            throw .invalidField(path, "\"\(text)\" is neither \"firing\" nor \"resolved\"")
        }
        return status
    }

    private static func alert(_ wire: WireAlert, path: String) throws(WebhookDecodingError) -> WebhookAlert {
        let status = try status(wire.status, path: path + ".status")
        guard let fingerprint = wire.fingerprint, !fingerprint.isEmpty else {
            throw .invalidField(path + ".fingerprint", "required")
        }
        guard fingerprint.utf8.count <= 128 else { throw .invalidField(path + ".fingerprint", "longer than 128 bytes") }
        guard let labels = wire.labels else { throw .invalidField(path + ".labels", "required") }
        guard let startsText = wire.startsAt else { throw .invalidField(path + ".startsAt", "required") }
        guard let startsAt = Timestamp(rfc3339: startsText) else {
            throw .invalidField(path + ".startsAt", "\"\(startsText)\" is not an RFC 3339 time")
        }
        var endsAt: Timestamp?
        if let endsText = wire.endsAt {
            guard let parsed = Timestamp(rfc3339: endsText) else {
                throw .invalidField(path + ".endsAt", "\"\(endsText)\" is not an RFC 3339 time")
            }
            endsAt = parsed.isGoZero ? nil : parsed
        }
        return WebhookAlert(
            status: status, labels: labels, annotations: wire.annotations ?? [:], startsAt: startsAt, endsAt: endsAt,
            generatorURL: wire.generatorURL ?? "", fingerprint: fingerprint)
    }

    private static func translate(_ error: DecodingError) -> WebhookDecodingError {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : "." + key.stringValue
                }
            }
            return text
        }
        switch error {
        case .typeMismatch(let type, let context) where context.codingPath.isEmpty:
            return .malformedJSON("expected a JSON object, found something else (\(type) expected)")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return .invalidField(path(context.codingPath), Self.expectation(for: context.codingPath))
        case .keyNotFound(let key, let context):
            return .invalidField(path(context.codingPath + [key]), "required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let underlying = context.underlyingError.map { String(describing: $0) } ?? context.debugDescription
                return .malformedJSON(underlying.isEmpty ? "the body is not valid JSON" : underlying)
            }
            return .invalidField(path(context.codingPath), context.debugDescription)
        @unknown default:
            return .malformedJSON(String(describing: error))
        }
    }

    private static func expectation(for path: [any CodingKey]) -> String {
        let last = path.last?.stringValue ?? ""
        switch last {
        case "labels", "annotations", "groupLabels", "commonLabels", "commonAnnotations":
            return "expected an object of string values"
        case "alerts":
            return "expected an array of alerts"
        case "truncatedAlerts":
            return "expected an integer"
        default:
            if path.count >= 2,
                ["labels", "annotations", "groupLabels", "commonLabels", "commonAnnotations"]
                    .contains(path[path.count - 2].stringValue)
            {
                return "expected a string value"
            }
            return path.last?.intValue != nil ? "expected an alert object" : "expected a string"
        }
    }
}

/// The wire shape, every field optional so that validation can name what is missing.
private struct WireWebhook: Decodable {
    var version: String?
    var receiver: String?
    var status: String?
    var alerts: [WireAlert]?
    var groupLabels: [String: String]?
    var commonLabels: [String: String]?
    var commonAnnotations: [String: String]?
    var externalURL: String?
    var groupKey: String?
    var truncatedAlerts: Int?
}

private struct WireAlert: Decodable {
    var status: String?
    var labels: [String: String]?
    var annotations: [String: String]?
    var startsAt: String?
    var endsAt: String?
    var generatorURL: String?
    var fingerprint: String?
}
