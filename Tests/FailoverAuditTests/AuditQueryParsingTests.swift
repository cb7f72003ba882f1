import FailoverCore
import Testing

@Suite("Audit query parameters: parsing and error messages")
struct AuditQueryParsingTests {
    static let now: Int64 = 1_795_279_038_416

    static func parse(_ pairs: [(String, String)], ignoring: Set<String> = []) throws(AuditQueryError) -> AuditQuery {
        try AuditQuery(parameters: pairs, now: now, ignoring: ignoring)
    }

    @Test(
        "relative durations count back from now",
        arguments: [
            ("30m", Int64(1_800_000)), ("2h", 7_200_000), ("7d", 604_800_000), ("1h30m", 5_400_000), ("90s", 90_000),
            ("500ms", 500), ("1w", 604_800_000), ("0s", 0),
        ])
    func relative(text: String, milliseconds: Int64) throws {
        #expect(try AuditQuery.parseTime(text, parameter: "since", now: Self.now) == Self.now - milliseconds)
    }

    @Test(
        "RFC 3339 times in any offset, truncated to milliseconds",
        arguments: [
            ("2026-11-21T16:37:18.416Z", Int64(1_795_279_038_416)), ("2026-11-21T16:37:18Z", 1_795_279_038_000),
            ("2026-11-21T17:37:18.4169999+01:00", 1_795_279_038_416), ("1970-01-01T00:00:00Z", 0),
        ])
    func absolute(text: String, milliseconds: Int64) throws {
        #expect(try AuditQuery.parseTime(text, parameter: "until", now: Self.now) == milliseconds)
    }

    @Test(
        "a bad time names the parameter and both accepted forms", arguments: ["2h ago", "", "h", "3x", "1.5h", "-2h"])
    func badTime(text: String) {
        #expect {
            try AuditQuery.parseTime(text, parameter: "since", now: Self.now)
        } throws: { error in
            let error = error as! AuditQueryError
            return error.parameter == "since"
                && error.message
                    == "since: '\(text)' is not valid: use RFC 3339 (2026-11-21T16:37:18Z) or a duration before now "
                    + "(30m, 2h, 7d, 1h30m)"
        }
    }

    @Test("every filter parses from parameters")
    func allFilters() throws {
        let cursor = AuditCursor(beforeID: 500)
        let query = try Self.parse(
            [
                ("since", "2h"), ("until", "2026-11-21T16:37:18Z"), ("type", "runbook.failed"),
                ("runbook", "db-failover"),
                ("alertname", "PrimaryDown"), ("fingerprint", "7f3a"), ("execution", "12"), ("outcome", "failure"),
                ("limit", "25"), ("cursor", cursor.encoded), ("format", "csv"),
            ], ignoring: ["format"])
        #expect(
            query
                == AuditQuery(
                    since: Self.now - 7_200_000, until: 1_795_279_038_000, type: .runbookFailed, runbook: "db-failover",
                    alertname: "PrimaryDown", fingerprint: "7f3a", execution: 12, outcome: .failure, limit: 25,
                    cursor: cursor))
        #expect(try Self.parse([]) == AuditQuery())
        #expect(AuditQuery().limit == 100)
    }

    @Test(
        "invalid values are reported with the parameter and what it accepts",
        arguments: [
            ("type", "runbook.exploded", "type: 'runbook.exploded' is not valid: one of webhook.received, "),
            (
                "outcome", "maybe",
                "outcome: 'maybe' is not valid: one of success, failure, suppressed, cancelled, rejected"
            ),
            ("limit", "0", "limit: '0' is not valid: an integer from 1 to 1000"),
            ("limit", "1001", "limit: '1001' is not valid: an integer from 1 to 1000"),
            ("limit", "ten", "limit: 'ten' is not valid: an integer from 1 to 1000"),
            ("execution", "-1", "execution: '-1' is not valid: a positive integer (an execution id)"),
            (
                "cursor", "bm90LWEtY3Vyc29y",
                "cursor: 'bm90LWEtY3Vyc29y' is not valid: the cursor returned with the previous page"
            ),
            ("runbook", "", "runbook: '' is not valid: a non-empty text of at most 1024 bytes"),
            ("nonsense", "1", "nonsense: unknown parameter; accepted: since, until, type, runbook, alertname, "),
        ])
    func invalid(name: String, value: String, messagePrefix: String) {
        #expect {
            try Self.parse([(name, value)])
        } throws: { error in
            let error = error as! AuditQueryError
            return error.parameter == name && error.message.hasPrefix(messagePrefix)
        }
    }

    @Test("a repeated parameter and an empty time range are refused")
    func repeatedAndEmptyRange() {
        #expect(throws: AuditQueryError.repeatedParameter("type")) {
            try Self.parse([("type", "runbook.failed"), ("type", "runbook.started")])
        }
        #expect(throws: AuditQueryError.emptyRange(since: "1h", until: "2h")) {
            try Self.parse([("since", "1h"), ("until", "2h")])
        }
    }

    @Test("cursors round-trip and refuse anything else")
    func cursors() {
        for id: Int64 in [1, 9, 12_345, .max] {
            let cursor = AuditCursor(beforeID: id)
            #expect(AuditCursor(encoded: cursor.encoded) == cursor)
            #expect(cursor.encoded.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        }
        #expect(AuditCursor(beforeID: 42).encoded == "djE6NDI")
        for text in ["", "djE6NDI=", "djE6MA", "djE6LTE", "djE6MDQy", "!!!!", "djE6NDJ", "v1:42"] {
            #expect(AuditCursor(encoded: text) == nil, "\(text)")
        }
    }
}
