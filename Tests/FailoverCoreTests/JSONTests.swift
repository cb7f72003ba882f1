import FailoverCore
import Foundation
import Testing

@Suite("JSON reading and writing of the ingest path")
struct JSONTests {
    static func webhook(alertLabels: String = #"{"alertname":"A"}"#, extra: String = "") -> String {
        """
        {"version":"4","groupKey":"g","status":"firing","receiver":"r"\(extra),"alerts":[{"status":"firing",\
        "labels":\(alertLabels),"startsAt":"2026-11-21T16:37:18Z","fingerprint":"f"}]}
        """
    }

    @Test(
        "string escapes and unicode decode exactly",
        arguments: [
            (#""a\"b\\c\/d""#, "a\"b\\c/d"), (#""tab\there\nnew\r\b\f""#, "tab\there\nnew\r\u{08}\u{0C}"),
            (#""\u00e9\u4e2d""#, "é中"), (#""\ud83d\ude80 launch""#, "🚀 launch"), (#""plain ünïcödé""#, "plain ünïcödé"),
        ])
    func escapes(literal: String, expected: String) throws {
        let body = Self.webhook(alertLabels: #"{"alertname":"# + literal + "}")
        let decoded = try AlertmanagerWebhook.decode(Array(body.utf8))
        #expect(decoded.alerts[0].labels["alertname"] == expected)
    }

    @Test(
        "unknown fields of any shape are skipped",
        arguments: [
            #","future":{"nested":[1,2.5e3,-0.1,true,false,null,{"deep":"x"}]}"#, #","n":-12E-2"#, #","s":"\u0041""#,
            #","empty":{},"list":[]"#,
        ])
    func skipsUnknown(extra: String) throws {
        #expect(try AlertmanagerWebhook.decode(Array(Self.webhook(extra: extra).utf8)).alerts.count == 1)
    }

    @Test("null counts as absent for optional fields")
    func nulls() throws {
        let decoded = try AlertmanagerWebhook.decode(
            Array(Self.webhook(extra: #","commonLabels":null,"truncatedAlerts":null"#).utf8))
        #expect(decoded.commonLabels.isEmpty)
        #expect(decoded.truncatedAlerts == 0)
    }

    @Test("whitespace anywhere between tokens is accepted")
    func whitespace() throws {
        let body = " \n{ \"version\" : \"4\" ,\t\"groupKey\":\"g\", \"status\":\"firing\", \"alerts\" : [ ] } \n"
        #expect(try AlertmanagerWebhook.decode(Array(body.utf8)).alerts.isEmpty)
    }

    @Test(
        "syntax errors are malformed JSON with a position",
        arguments: [
            (#"{"version":"4",}"#, "unexpected '}' at byte 15"), (#"{"version" "4"}"#, "unexpected '\"' at byte 11"),
            (#"{"version":"4"} x"#, "unexpected data after the JSON object at byte 16"),
            (#"{"version":"4""#, "unexpected end of input"), (#"{"a":tru}"#, "unexpected 't' at byte 5"),
            (#"{"a":01}"#, "unexpected '1' at byte 6"), (#"{"a":1.}"#, "unexpected '}' at byte 7"),
            (#"{"a":"\x"}"#, "invalid escape in a string at byte 7"), (#"{"a":"\ud800"}"#, "unpaired surrogate"),
            ("{\"a\":\"line\nbreak\"}", "control character in a string at byte 10"),
            (String(repeating: #"{"a":["#, count: 40) + "1", "nesting deeper than 64 levels"),
            ("{'a':1}", "unexpected ''' at byte 1"),
            // Cut off inside a number (found by `make fuzz`: reading the byte after the end trapped).
            ("\t{\t\"\":2.", "unexpected end of input"), (#"{"a":1e"#, "unexpected end of input"),
            (#"{"a":1e+"#, "unexpected end of input"), (#"{"a":-"#, "unexpected end of input"),
        ])
    func syntaxErrors(body: String, fragment: String) {
        #expect {
            try AlertmanagerWebhook.decode(Array(body.utf8))
        } throws: { error in
            guard let error = error as? WebhookDecodingError, error.kind == "malformed_json" else { return false }
            #expect(error.message.contains(fragment), "\(error.message)")
            return error.message.contains(fragment)
        }
    }

    @Test("invalid UTF-8 in a string is refused")
    func invalidUTF8() {
        var body = Array(#"{"version":"4","receiver":""#.utf8)
        body += [0xC3, 0x28]
        body += Array(#"","groupKey":"g","status":"firing","alerts":[]}"#.utf8)
        #expect {
            try AlertmanagerWebhook.decode(body)
        } throws: { error in
            (error as? WebhookDecodingError)?.message.contains("invalid UTF-8") == true
        }
    }

    @Test("the reader and Foundation agree on every captured body")
    func agreesWithFoundation() throws {
        for name in [
            "single-firing", "group-of-3-firing", "group-firing-with-one-resolved", "max-alerts-truncated",
            "single-resolved",
        ] {
            let body = try capturedBody(name)
            let ours = try AlertmanagerWebhook.decode(body)
            let theirs = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            let alerts = try #require(theirs["alerts"] as? [[String: Any]])
            #expect(ours.alerts.count == alerts.count)
            for (alert, reference) in zip(ours.alerts, alerts) {
                #expect(alert.labels == reference["labels"] as? [String: String])
                #expect(alert.annotations == reference["annotations"] as? [String: String])
                #expect(alert.fingerprint == reference["fingerprint"] as? String)
            }
            #expect(ours.groupKey == theirs["groupKey"] as? String)
        }
    }

    @Test("label and annotation objects keep their text as received, so storing them costs no re-encoding")
    func rawObjectText() throws {
        let body = try capturedBody("single-firing")
        let alert = try #require(try AlertmanagerWebhook.decode(body).alerts.first)
        let text = String(decoding: body, as: UTF8.self)
        let labels = try #require(alert.labelsText)
        #expect(text.contains(#""labels":"# + labels + #","annotations""#))
        #expect(labels.hasPrefix(#"{"alertname":"PrimaryRegionUnhealthy""#))
        #expect(alert.annotationsText == #"{"summary":"Primary region us-east is unhealthy"}"#)
        let reparsed = try JSONSerialization.jsonObject(with: Data(labels.utf8)) as? [String: String]
        #expect(reparsed == alert.labels)
        let built = WebhookAlert(
            status: .firing, labels: ["b": "2", "a": "1"], startsAt: Timestamp(secondsSinceEpoch: 0), fingerprint: "f")
        #expect(built.labelsText == nil)
    }

    @Test("JSONText writes sorted objects and escapes what it must")
    func writing() throws {
        #expect(JSONText.object([:]) == "{}")
        #expect(JSONText.object(["b": "2", "a": "1"]) == #"{"a":"1","b":"2"}"#)
        let tricky = "quote\" back\\ nl\n tab\t bell\u{07} é 🚀"
        let text = JSONText.quote(tricky)
        #expect(text == #""quote\" back\\ nl\n tab\t bell\u0007 é 🚀""#)
        let roundTrip = try JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as? [String]
        #expect(roundTrip == [tricky])
    }
}
