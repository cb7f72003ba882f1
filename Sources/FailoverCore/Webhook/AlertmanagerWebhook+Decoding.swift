extension AlertmanagerWebhook {
    /// Decodes and validates a request body against the Alertmanager v4 webhook contract.
    ///
    /// Unknown fields are skipped (their syntax is still checked), `null` counts as absent, and every error
    /// names the field that is wrong.
    ///
    /// - Throws: ``WebhookDecodingError``.
    public static func decode(_ body: [UInt8]) throws(WebhookDecodingError) -> AlertmanagerWebhook {
        let result: Result<AlertmanagerWebhook, WebhookDecodingError> = body.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            do throws(WebhookDecodingError) {
                return .success(try Self.read(&reader))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func read(_ reader: inout JSONReader) throws(WebhookDecodingError) -> AlertmanagerWebhook {
        var object = try reader.beginDocument()
        var version: String?
        var receiver: String?
        var status: String?
        var alerts: [WebhookAlert]?
        var groupLabels: [String: String]?
        var commonLabels: [String: String]?
        var commonAnnotations: [String: String]?
        var externalURL: String?
        var groupKey: String?
        var truncatedAlerts: Int?
        while let key = try reader.nextKey(&object) {
            switch key {
            case "version": version = try reader.readString(path: key)
            case "receiver": receiver = try reader.readString(path: key)
            case "status": status = try reader.readString(path: key)
            case "groupKey": groupKey = try reader.readString(path: key)
            case "externalURL": externalURL = try reader.readString(path: key)
            case "groupLabels": groupLabels = try reader.readStringMap(path: key)
            case "commonLabels": commonLabels = try reader.readStringMap(path: key)
            case "commonAnnotations": commonAnnotations = try reader.readStringMap(path: key)
            case "truncatedAlerts": truncatedAlerts = try reader.readInteger(path: key)
            case "alerts":
                guard var array = try reader.beginArray(path: key, expectation: "expected an array of alerts") else {
                    continue
                }
                var list: [WebhookAlert] = []
                while try reader.nextElement(&array) {
                    list.append(try readAlert(&reader, index: list.count))
                }
                alerts = list
            default:
                try reader.skipValue()
            }
        }
        try reader.endDocument()

        guard let version else { throw .notVersion4("the field \"version\" is missing") }
        guard version == "4" else { throw .notVersion4("version is \"\(version)\", expected \"4\"") }
        guard let alerts else { throw .notVersion4("the field \"alerts\" is missing") }
        guard let groupKey else { throw .invalidField("groupKey", "required") }
        let truncated = truncatedAlerts ?? 0
        guard truncated >= 0 else { throw .invalidField("truncatedAlerts", "must not be negative") }
        return AlertmanagerWebhook(
            receiver: receiver ?? "", status: try Self.status(status, path: "status"), alerts: alerts,
            groupLabels: groupLabels ?? [:], commonLabels: commonLabels ?? [:],
            commonAnnotations: commonAnnotations ?? [:], externalURL: externalURL ?? "", groupKey: groupKey,
            truncatedAlerts: truncated)
    }

    private static func readAlert(
        _ reader: inout JSONReader, index: Int
    ) throws(WebhookDecodingError)
        -> WebhookAlert
    {
        // Paths are built only when an error needs one.
        var path: String { "alerts[\(index)]" }
        guard var object = try reader.beginObject(path: path, expectation: "expected an alert object") else {
            throw .invalidField(path, "expected an alert object")
        }
        var status: String?
        var labels: (map: [String: String], text: String)?
        var annotations: (map: [String: String], text: String)?
        var startsText: String?
        var endsText: String?
        var generatorURL: String?
        var fingerprint: String?
        while let key = try reader.nextKey(&object) {
            var fieldPath: String { path + "." + key }
            switch key {
            case "status": status = try reader.readString(path: fieldPath)
            case "labels": labels = try reader.readStringMapWithText(path: fieldPath)
            case "annotations": annotations = try reader.readStringMapWithText(path: fieldPath)
            case "startsAt": startsText = try reader.readString(path: fieldPath)
            case "endsAt": endsText = try reader.readString(path: fieldPath)
            case "generatorURL": generatorURL = try reader.readString(path: fieldPath)
            case "fingerprint": fingerprint = try reader.readString(path: fieldPath)
            default: try reader.skipValue()
            }
        }
        let alertStatus = try Self.status(status, path: path + ".status")
        guard let fingerprint, !fingerprint.isEmpty else { throw .invalidField(path + ".fingerprint", "required") }
        guard fingerprint.utf8.count <= 128 else { throw .invalidField(path + ".fingerprint", "longer than 128 bytes") }
        guard let labels else { throw .invalidField(path + ".labels", "required") }
        guard let startsText else { throw .invalidField(path + ".startsAt", "required") }
        guard let startsAt = Timestamp(rfc3339: startsText) else {
            throw .invalidField(path + ".startsAt", "\"\(startsText)\" is not an RFC 3339 time")
        }
        var endsAt: Timestamp?
        if let endsText {
            guard let parsed = Timestamp(rfc3339: endsText) else {
                throw .invalidField(path + ".endsAt", "\"\(endsText)\" is not an RFC 3339 time")
            }
            endsAt = parsed.isGoZero ? nil : parsed
        }
        return WebhookAlert(
            status: alertStatus, labels: labels.map, annotations: annotations?.map ?? [:], startsAt: startsAt,
            endsAt: endsAt, generatorURL: generatorURL ?? "", fingerprint: fingerprint, labelsText: labels.text,
            annotationsText: annotations?.text ?? "{}")
    }

    private static func status(_ text: String?, path: String) throws(WebhookDecodingError) -> AlertStatus {
        guard let text else { throw .invalidField(path, "required") }
        guard let status = AlertStatus(rawValue: text) else {
            throw .invalidField(path, "\"\(text)\" is neither \"firing\" nor \"resolved\"")
        }
        return status
    }
}
