import FailoverCore
import Testing

@Suite("Audit events: canonical encoding, hash chain, detail values")
struct AuditEncodingTests {
    static let draft = AuditEventDraft(
        type: .episodeOpened, actor: "webhook", recordedAtMilliseconds: 1_795_279_038_416, episode: 7,
        fingerprint: "7f3afce3415c4ace", alertname: "PrimaryRegionUnhealthy",
        detail: ["delivery": 12, "status": "firing", "labels": ["region": "us-east", "alertname": "Primary"]])

    @Test("an event's canonical encoding is fixed text: sorted members, nulls present, no whitespace")
    func canonicalEncoding() {
        let event = AuditEvent(draft: Self.draft, id: 42, previous: .genesis)
        let text = String(decoding: event.canonicalEncoding, as: UTF8.self)
        #expect(
            text
                == #"{"actor":"webhook","alertname":"PrimaryRegionUnhealthy","detail":{"delivery":12,"#
                + #""labels":{"alertname":"Primary","region":"us-east"},"status":"firing"},"episode":7,"#
                + #""execution":null,"fingerprint":"7f3afce3415c4ace","id":42,"outcome":"success","runbook":null,"#
                + #""time":"2026-11-21T16:37:18.416Z","type":"episode.opened"}"#)
    }

    @Test("the hash is SHA-256 of the previous hash's bytes followed by the canonical encoding")
    func hashChain() throws {
        // Computed independently: sha256(b"\0" * 32 + canonical bytes) in Python.
        let first = AuditEvent(draft: Self.draft, id: 42, previous: .genesis)
        #expect(first.hash.hex == "dd3b4be52f5694e283cbf9d0ea6e496271bb6bf8934096eeb25d306963531fc6")
        let second = AuditEvent(draft: Self.draft, id: 43, previous: first.hash)
        #expect(second.hash != first.hash)
        #expect(second.isLinked(after: first.hash))
        #expect(!second.isLinked(after: .genesis))
        #expect(AuditHash.genesis.hex == String(repeating: "0", count: 64))
        #expect(try AuditHash(hex: first.hash.hex.uppercased()) == first.hash)
        #expect(AuditHash(bytes: first.hash.bytes) == first.hash)
        #expect(throws: AuditFormatError.self) { try AuditHash(hex: "abc") }
        #expect(throws: AuditFormatError.self) { try AuditHash(hex: String(repeating: "g", count: 64)) }
    }

    @Test("a minimal event: every subject null, empty detail, whole-second time keeps three digits")
    func minimalEvent() {
        let draft = AuditEventDraft(type: .serviceStarted, actor: "service", recordedAtMilliseconds: 0)
        let event = AuditEvent(draft: draft, id: 1, previous: .genesis)
        #expect(
            String(decoding: event.canonicalEncoding, as: UTF8.self)
                == #"{"actor":"service","alertname":null,"detail":{},"episode":null,"execution":null,"#
                + #""fingerprint":null,"id":1,"outcome":"success","runbook":null,"#
                + #""time":"1970-01-01T00:00:00.000Z","type":"service.started"}"#)
        #expect(event.recordedAt == "1970-01-01T00:00:00.000Z")
    }

    @Test(
        "time text is UTC with exactly three fraction digits",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z"), (-1, "1969-12-31T23:59:59.999Z"),
            (951_782_400_005, "2000-02-29T00:00:00.005Z"), (1_795_279_038_416, "2026-11-21T16:37:18.416Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ])
    func timeText(milliseconds: Int64, expected: String) {
        let draft = AuditEventDraft(type: .serviceStopped, actor: "service", recordedAtMilliseconds: milliseconds)
        #expect(AuditEvent(draft: draft, id: 1, previous: .genesis).recordedAt == expected)
    }

    @Test("detail strings escape as RFC 8785 does; keys sort by UTF-16 code units")
    func detailEscapes() throws {
        let detail: AuditDetail = [
            "text": "quote \" backslash \\ slash / tab \t nl \n cr \r bs \u{08} ff \u{0C} nul \u{00} us \u{1F}",
            "unicode": "é 中 🚀 \u{2028}",
            "\u{E000}": 1,
            "😀": 2,
            "b": [true, false, nil, -9_223_372_036_854_775_808, 9_223_372_036_854_775_807],
            "a": [:],
        ]
        #expect(
            detail.json
                == #"{"a":{},"b":[true,false,null,-9223372036854775808,9223372036854775807],"#
                + #""text":"quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f nul \u0000 us \u001f","#
                + "\"unicode\":\"é 中 🚀 \u{2028}\",\"😀\":2,\"\u{E000}\":1}")
        // Reading the text back gives the same values, and encoding them again the same text.
        let values = try detail.values()
        #expect(AuditDetail(values) == detail)
        #expect(values["unicode"] == "é 中 🚀 \u{2028}")
        #expect(detail["b"] == [true, false, nil, .integer(.min), .integer(.max)])
    }

    @Test("keys sort by UTF-16 code units: ASCII, accents, prefixes, private use and astral characters")
    func keyOrderMatchesUTF16() {
        let keys = [
            "b", "a", "ab", "a\u{0}", "Z", "_", "é", "ê", "ée", "中", "丰", "\u{E000}", "\u{FFFD}", "\u{FFFF}", "😀", "𝄞",
            "a😀", "a\u{E000}", "a\u{FFFF}", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{D7FF}",
        ]
        var members: [String: AuditValue] = [:]
        for (index, key) in keys.enumerated() { members[key] = .integer(Int64(index)) }
        let expected = keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
        var text: [UInt8] = Array("{".utf8)
        for (offset, key) in expected.enumerated() {
            if offset > 0 { text.append(UInt8(ascii: ",")) }
            JSONText.appendQuoted(key, to: &text)
            text.append(contentsOf: ":\(members[key]!.integerValue!)".utf8)
        }
        text.append(UInt8(ascii: "}"))
        #expect(AuditDetail(members).json == String(decoding: text, as: UTF8.self))
    }

    @Test("a detail built from a dictionary equals the same members from a literal, in any order")
    func detailOrderIndependent() {
        let literal: AuditDetail = ["z": 1, "a": "x", "m": ["k": nil]]
        let dictionary = AuditDetail(["m": ["k": nil], "z": 1, "a": "x"])
        #expect(literal == dictionary)
        #expect(literal.json == #"{"a":"x","m":{"k":null},"z":1}"#)
        #expect(AuditDetail.empty.json == "{}")
        let repeated: AuditDetail = ["k": 1, "k": 2]
        #expect(repeated.json == #"{"k":2}"#)
    }

    @Test(
        "stored detail text that is not a supported JSON object is reported, not guessed",
        arguments: [
            #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":1,"a":2}"#, #"[1]"#, #"{"a":01}"#, #"{"a":"\ud800"}"#,
            #"{"a":"x"} trailing"#, #"{"a":99999999999999999999}"#, "{\"a\":\"raw\u{01}control\"}", #"{"a":tru}"#,
        ])
    func unreadableDetail(text: String) {
        #expect(throws: AuditFormatError.self) { try AuditDetail(storedJSON: text).values() }
        #expect(AuditDetail(storedJSON: text)["a"] == nil)
    }

    @Test("stored detail is kept verbatim, with whitespace and escapes as stored")
    func storedDetailVerbatim() throws {
        let stored = AuditDetail(storedJSON: #"{ "b" : "\u00e9", "a" : [ 1 , -2 ] }"#)
        #expect(stored.json == #"{ "b" : "\u00e9", "a" : [ 1 , -2 ] }"#)
        #expect(try stored.values() == ["a": [1, -2], "b": "é"])
        #expect(AuditDetail(try stored.values()).json == #"{"a":[1,-2],"b":"é"}"#)
    }

    @Test("time never goes backwards along ids: an older draft time is raised to the floor")
    func timeFloor() {
        let draft = AuditEventDraft(type: .manualAction, actor: "token:ops", recordedAtMilliseconds: 1000)
        #expect(AuditEvent(draft: draft, id: 2, previous: .genesis, notBefore: 5000).recordedAtMilliseconds == 5000)
        #expect(AuditEvent(draft: draft, id: 2, previous: .genesis, notBefore: 500).recordedAtMilliseconds == 1000)
    }

    @Test("event types and outcomes have stable raw values")
    func rawValues() {
        #expect(
            AuditEventType.allCases.map(\.rawValue) == [
                "webhook.received", "episode.opened", "episode.duplicate", "episode.resolved",
                "episode.reopen_pending", "episode.reopened", "episode.reopen_cancelled", "incident.opened",
                "incident.joined", "incident.closed", "runbook.state_changed", "runbook.scheduled",
                "runbook.suppressed", "runbook.cancelled", "runbook.started", "runbook.step_started",
                "runbook.step_finished", "runbook.finished", "runbook.failed", "runbook.failback_scheduled",
                "runbook.failback_cancelled", "runbook.failback_approved", "runbook.paused", "runbook.resumed",
                "runbook.claim_lost", "manual.action", "config.loaded", "config.reloaded", "service.started",
                "service.stopped", "retention.checkpoint",
            ])
        #expect(AuditOutcome.allCases.map(\.rawValue) == ["success", "failure", "suppressed", "cancelled", "rejected"])
    }
}
