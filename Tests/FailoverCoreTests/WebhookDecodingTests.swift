import FailoverCore
import FailoverTestSupport
import Foundation
import Testing

/// Bodies captured from a real Alertmanager 0.25 (see Tests/Fixtures/README.md).
func capturedBody(_ name: String) throws -> [UInt8] {
    let path = PackagePaths.root + "/Tests/Fixtures/alertmanager-0.25/\(name).json"
    return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

@Suite("Decoding real Alertmanager 0.25 webhooks")
struct CapturedWebhookTests {
    @Test("a single firing alert")
    func singleFiring() throws {
        let webhook = try AlertmanagerWebhook.decode(try capturedBody("single-firing"))
        #expect(webhook.receiver == "capture")
        #expect(webhook.status == .firing)
        #expect(webhook.groupKey == "{}:{alertname=\"PrimaryRegionUnhealthy\", region=\"us-east\"}")
        #expect(webhook.truncatedAlerts == 0)
        #expect(webhook.groupLabels == ["alertname": "PrimaryRegionUnhealthy", "region": "us-east"])
        let alert = try #require(webhook.alerts.first)
        #expect(webhook.alerts.count == 1)
        #expect(alert.status == .firing)
        #expect(alert.fingerprint == "fa79738479a682e6")
        #expect(alert.alertname == "PrimaryRegionUnhealthy")
        #expect(alert.labels["job"] == "app_primary")
        #expect(alert.annotations["summary"] == "Primary region us-east is unhealthy")
        #expect(alert.startsAt.rfc3339 == "2026-11-21T17:41:05.443Z")
        #expect(alert.endsAt == nil, "Go's zero endsAt means not set")
        #expect(alert.generatorURL.hasPrefix("http://prometheus:9090/graph"))
    }

    @Test("a group of three firing alerts")
    func groupOfThree() throws {
        let webhook = try AlertmanagerWebhook.decode(try capturedBody("group-of-3-firing"))
        #expect(webhook.alerts.count == 3)
        #expect(webhook.firingCount == 3)
        #expect(Set(webhook.alerts.map(\.fingerprint)).count == 3)
        #expect(Set(webhook.alerts.map(\.labels["instance"])) == ["10.1.0.1:8080", "10.1.0.2:8080", "10.1.0.3:8080"])
    }

    @Test("a firing message that carries a resolved alert is decided per alert")
    func mixed() throws {
        let webhook = try AlertmanagerWebhook.decode(try capturedBody("group-firing-with-one-resolved"))
        #expect(webhook.status == .firing)
        #expect(webhook.alerts.map(\.status) == [.firing, .resolved, .firing])
        #expect(webhook.resolvedCount == 1)
        let resolved = webhook.alerts[1]
        #expect(resolved.labels["instance"] == "10.1.0.2:8080")
        #expect(resolved.endsAt != nil)
        #expect(resolved.endsAt! > resolved.startsAt)
    }

    @Test("max_alerts truncation is reported")
    func truncated() throws {
        let webhook = try AlertmanagerWebhook.decode(try capturedBody("max-alerts-truncated"))
        #expect(webhook.alerts.count == 2)
        #expect(webhook.truncatedAlerts == 1)
        #expect(webhook.receiver == "capture-trunc")
    }

    @Test("a resolved notification keeps the episode key of its firing one")
    func resolvedKeepsKey() throws {
        let firing = try AlertmanagerWebhook.decode(try capturedBody("single-firing"))
        let resolved = try AlertmanagerWebhook.decode(try capturedBody("single-resolved"))
        #expect(resolved.status == .resolved)
        #expect(resolved.alerts[0].status == .resolved)
        #expect(resolved.alerts[0].episodeKey == firing.alerts[0].episodeKey)
    }

    @Test("the benchmark payload decodes")
    func benchPayload() throws {
        let path = PackagePaths.benchPayload
        let webhook = try AlertmanagerWebhook.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(!webhook.alerts.isEmpty)
    }
}

@Suite("Decoding the contract's edge cases")
struct WebhookContractTests {
    static func body(alerts: String = #"[\#(alert())]"#, extra: String = "") -> [UInt8] {
        Array(
            """
            {"receiver":"web\\\\.hook","status":"firing","alerts":\(alerts),"groupLabels":{},"commonLabels":{},\
            "commonAnnotations":{},"externalURL":"http://am:9093","version":"4","groupKey":"{}:{}"\(extra)}
            """.utf8)
    }

    static func alert(
        status: String = "firing", startsAt: String = "2026-11-21T16:37:18.416Z",
        endsAt: String = "0001-01-01T00:00:00Z",
        fingerprint: String = "7f3afce3415c4ace"
    ) -> String {
        """
        {"status":"\(status)","labels":{"alertname":"A"},"annotations":{},"startsAt":"\(startsAt)",\
        "endsAt":"\(endsAt)","generatorURL":"","fingerprint":"\(fingerprint)"}
        """
    }

    @Test("the receiver arrives regex-escaped and is kept as sent")
    func escapedReceiver() throws {
        #expect(try AlertmanagerWebhook.decode(Self.body()).receiver == #"web\.hook"#)
    }

    @Test("unknown fields of newer Alertmanagers are ignored; truncatedAlerts may be absent")
    func unknownFields() throws {
        let webhook = try AlertmanagerWebhook.decode(
            Self.body(extra: #","notification_reason":"new","routeLabels":{"a":"b"},"futureNumber":3"#))
        #expect(webhook.truncatedAlerts == 0)
        #expect(webhook.alerts.count == 1)
    }

    @Test("varying fraction digits make distinct but exact episode keys")
    func fractionDigits() throws {
        let alerts = [
            Self.alert(startsAt: "2026-11-21T16:37:23Z"), Self.alert(startsAt: "2026-11-21T16:37:15.72Z"),
            Self.alert(startsAt: "2026-11-21T16:37:15.720Z"),
        ]
        let webhook = try AlertmanagerWebhook.decode(Self.body(alerts: "[" + alerts.joined(separator: ",") + "]"))
        #expect(
            webhook.alerts.map(\.startsAt.rfc3339) == [
                "2026-11-21T16:37:23Z", "2026-11-21T16:37:15.72Z", "2026-11-21T16:37:15.72Z",
            ])
        #expect(webhook.alerts[1].episodeKey == webhook.alerts[2].episodeKey)
    }

    @Test("an empty alerts array is a valid notification")
    func emptyAlerts() throws {
        #expect(try AlertmanagerWebhook.decode(Self.body(alerts: "[]")).alerts.isEmpty)
    }

    @Test(
        "malformed bodies name what is wrong",
        arguments: [
            ("{not json", "malformed_json", "malformed JSON"),
            ("[]", "malformed_json", "expected a JSON object"),
            ("", "malformed_json", "malformed JSON"),
            (#"{"alerts":[]}"#, "not_a_v4_webhook", "the field \"version\" is missing"),
            (#"{"version":"3","alerts":[]}"#, "not_a_v4_webhook", "version is \"3\", expected \"4\""),
            (#"{"version":"4"}"#, "not_a_v4_webhook", "the field \"alerts\" is missing"),
            (#"{"version":"4","alerts":[],"status":"firing"}"#, "invalid_field", "groupKey: required"),
            (#"{"version":4,"alerts":[]}"#, "invalid_field", "version: expected a string"),
            (
                #"{"version":"4","alerts":{},"groupKey":"g","status":"firing"}"#, "invalid_field",
                "alerts: expected an array of alerts"
            ),
            (
                #"{"version":"4","alerts":[],"groupKey":"g","status":"weird"}"#, "invalid_field",
                "status: \"weird\" is neither"
            ),
            (
                #"{"version":"4","alerts":[],"groupKey":"g","status":"firing","truncatedAlerts":"x"}"#, "invalid_field",
                "truncatedAlerts: expected an integer"
            ),
        ])
    func malformed(body: String, kind: String, fragment: String) {
        #expect {
            try AlertmanagerWebhook.decode(Array(body.utf8))
        } throws: { error in
            guard let error = error as? WebhookDecodingError else { return false }
            return error.kind == kind && error.message.contains(fragment)
        }
    }

    @Test(
        "invalid alerts name the alert and field",
        arguments: [
            (alert(status: "pending"), "alerts[0].status: \"pending\" is neither"),
            (alert(startsAt: "yesterday"), "alerts[0].startsAt: \"yesterday\" is not an RFC 3339 time"),
            (alert(endsAt: "soon"), "alerts[0].endsAt: \"soon\" is not an RFC 3339 time"),
            (alert(fingerprint: ""), "alerts[0].fingerprint: required"),
            (#"{"status":"firing","startsAt":"2026-11-21T16:37:18Z","fingerprint":"f"}"#, "alerts[0].labels: required"),
            (
                #"{"status":"firing","labels":{"a":1},"startsAt":"2026-11-21T16:37:18Z","fingerprint":"f"}"#,
                "alerts[0].labels.a: expected a string value"
            ),
            (#"{"status":"firing","labels":{},"fingerprint":"f"}"#, "alerts[0].startsAt: required"),
            ("7", "alerts[0]: expected an alert object"),
        ])
    func invalidAlert(alert: String, message: String) {
        #expect {
            try AlertmanagerWebhook.decode(Self.body(alerts: "[" + alert + "]"))
        } throws: { error in
            (error as? WebhookDecodingError)?.message.hasPrefix(message) == true
        }
    }
}
