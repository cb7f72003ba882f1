import FailoverCore
import Testing

@Suite("Audit export lines: NDJSON and CSV escaping")
struct AuditExportTests {
    static let awkward = AuditEvent(
        draft: AuditEventDraft(
            type: .runbookFailed, actor: "engine", recordedAtMilliseconds: 1_795_279_038_416, outcome: .failure,
            episode: 7, execution: 3, runbook: "fail over, \"primary\"",
            fingerprint: "7f3a", alertname: "Région\nUnhealthy 🚨",
            detail: ["reason": "provider said: \"no\",\r\nretry later", "zone": "exämple.com"]),
        id: 9, previous: .genesis)

    @Test("an NDJSON line is the canonical object with the hash in its sorted place, on one line")
    func ndjsonLine() throws {
        let line = Self.awkward.ndjsonLine
        #expect(
            line
                == #"{"actor":"engine","alertname":"Région\nUnhealthy 🚨","#
                + #""detail":{"reason":"provider said: \"no\",\r\nretry later","zone":"exämple.com"},"#
                + #""episode":7,"execution":3,"fingerprint":"7f3a","hash":""# + Self.awkward.hash.hex
                + #"","id":9,"outcome":"failure","runbook":"fail over, \"primary\"","#
                + #""time":"2026-11-21T16:37:18.416Z","type":"runbook.failed"}"# + "\n")
        #expect(line.filter { $0 == "\n" }.count == 1)
        #expect(Self.awkward.json + "\n" == line)
        // Without the hash member the line is exactly the hashed bytes.
        let withoutHash = Self.awkward.json.replacing(#","hash":"\#(Self.awkward.hash.hex)""#, with: "")
        #expect(Array(withoutHash.utf8) == Self.awkward.canonicalEncoding)
    }

    @Test("CSV quotes fields with commas, quotes and newlines, doubles inner quotes, keeps unicode, ends in CRLF")
    func csvRecord() {
        #expect(
            AuditEvent.csvHeader
                == "id,time,type,actor,outcome,episode,execution,runbook,fingerprint,alertname,detail,hash\r\n")
        #expect(
            Self.awkward.csvRecord
                == "9,2026-11-21T16:37:18.416Z,runbook.failed,engine,failure,7,3,\"fail over, \"\"primary\"\"\","
                + "7f3a,\"Région\nUnhealthy 🚨\","
                + #""{""reason"":""provider said: \""no\"",\r\nretry later"",""zone"":""exämple.com""}","#
                + Self.awkward.hash.hex + "\r\n")
    }

    @Test("CSV leaves plain fields unquoted and absent subjects empty")
    func csvPlain() {
        let event = AuditEvent(
            draft: AuditEventDraft(type: .serviceStarted, actor: "service", recordedAtMilliseconds: 1000),
            id: 1, previous: .genesis)
        #expect(
            event.csvRecord
                == "1,1970-01-01T00:00:01.000Z,service.started,service,success,,,,,,{},\(event.hash.hex)\r\n")
    }
}
