import FailoverCore
import FailoverStore
import Testing

@Suite("Audit queries: filters, pagination, export")
struct AuditQueryTests {
    static let minute: Int64 = 60_000
    static let types: [AuditEventType] = [
        .webhookReceived, .episodeOpened, .runbookStarted, .runbookStepFinished, .runbookFailed, .episodeResolved,
    ]

    /// 120 events, one a minute, with every subject varying on its own period.
    static func dataset() -> [AuditEventDraft] {
        (0..<120).map { index in
            AuditStoreFixture.draft(
                types[index % types.count], at: Int64(index) * minute,
                outcome: index % 4 == 1 ? .failure : index % 6 == 2 ? .suppressed : .success,
                runbook: index % 3 == 0 ? nil : ["db-failover", "web-failover"][index % 2],
                fingerprint: ["fa", "fb", "fc", nil][index % 4],
                alertname: ["PrimaryDown", "Région, \"ünïcode\"", nil][index % 3],
                execution: index % 5 == 0 ? nil : Int64(index % 7))
        }
    }

    static func matches(_ event: AuditEvent, _ query: AuditQuery) -> Bool {
        (query.since.map { event.recordedAtMilliseconds >= $0 } ?? true)
            && (query.until.map { event.recordedAtMilliseconds < $0 } ?? true)
            && (query.type.map { event.type == $0 } ?? true) && (query.runbook.map { event.runbook == $0 } ?? true)
            && (query.alertname.map { event.alertname == $0 } ?? true)
            && (query.fingerprint.map { event.fingerprint == $0 } ?? true)
            && (query.execution.map { event.execution == $0 } ?? true)
            && (query.outcome.map { event.outcome == $0 } ?? true)
    }

    @Test("every filter and the combinations operators use select exactly the matching events, newest first")
    func filters() async throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        let events = try fixture.append(Self.dataset())
        let base = AuditStoreFixture.base
        let queries: [(String, AuditQuery)] = [
            ("everything", AuditQuery(limit: 1000)),
            ("type", AuditQuery(type: .runbookFailed, limit: 1000)),
            ("runbook", AuditQuery(runbook: "db-failover", limit: 1000)),
            ("alertname with unicode, comma and quotes", AuditQuery(alertname: "Région, \"ünïcode\"", limit: 1000)),
            ("fingerprint", AuditQuery(fingerprint: "fb", limit: 1000)),
            ("execution", AuditQuery(execution: 3, limit: 1000)),
            ("outcome", AuditQuery(outcome: .failure, limit: 1000)),
            ("since", AuditQuery(since: base + 30 * Self.minute, limit: 1000)),
            ("since between events", AuditQuery(since: base + 30 * Self.minute + 1, limit: 1000)),
            ("until", AuditQuery(until: base + 90 * Self.minute, limit: 1000)),
            ("time range", AuditQuery(since: base + 30 * Self.minute, until: base + 45 * Self.minute, limit: 1000)),
            ("runbook failures", AuditQuery(runbook: "web-failover", outcome: .failure, limit: 1000)),
            ("runbook and type", AuditQuery(type: .runbookStarted, runbook: "db-failover", limit: 1000)),
            (
                "fingerprint in the last hour",
                AuditQuery(since: base + 60 * Self.minute, fingerprint: "fa", limit: 1000)
            ),
            (
                "alertname, type and outcome",
                AuditQuery(type: .webhookReceived, alertname: "PrimaryDown", outcome: .success, limit: 1000)
            ),
            ("execution steps", AuditQuery(type: .runbookStepFinished, execution: 5, limit: 1000)),
            (
                "suppressions in a window",
                AuditQuery(
                    since: base + 10 * Self.minute, until: base + 100 * Self.minute, outcome: .suppressed, limit: 1000)
            ),
            (
                "all filters",
                AuditQuery(
                    since: base, until: base + 120 * Self.minute, type: .runbookStarted, runbook: "db-failover",
                    alertname: "Région, \"ünïcode\"", fingerprint: "fc", execution: 2, outcome: .success, limit: 1000)
            ),
            ("nothing after the last event", AuditQuery(since: base + 500 * Self.minute, limit: 1000)),
            ("nothing before the first event", AuditQuery(until: base - 1, limit: 1000)),
            ("no such runbook", AuditQuery(runbook: "'; DROP TABLE audit_events; --", limit: 1000)),
            ("limit", AuditQuery(type: .episodeOpened, limit: 3)),
        ]
        for (name, query) in queries {
            let expected = Array(events.reversed().filter { Self.matches($0, query) }.prefix(query.limit))
            let page = try await fixture.store.auditPage(query)
            #expect(page.events == expected, "\(name)")
            #expect(name == "limit" ? page.next != nil : page.next == nil, "\(name)")
        }
        // A few selections are checked by hand too, so the reference filter cannot hide a mistake.
        #expect(try await fixture.store.auditPage(AuditQuery(execution: 3, limit: 1000)).events.count == 13)
        #expect(
            try await fixture.store.auditPage(
                AuditQuery(since: base + 30 * Self.minute, until: base + 45 * Self.minute, limit: 1000)
            ).events.map(\.id) == Array((31...45).reversed()))
        #expect(try fixture.all().count == 120)
    }

    @Test("keyset pages stay stable while new events arrive")
    func paginationStability() async throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        let matching = { (offset: Int64) in
            AuditStoreFixture.draft(.runbookStepFinished, at: offset, runbook: "db-failover", execution: 1)
        }
        var original: [AuditEvent] = []
        for index in 0..<25 {
            original += try fixture.append([
                matching(Int64(index) * 10), AuditStoreFixture.draft(at: Int64(index) * 10 + 5),
            ])
            .filter { $0.runbook != nil }
        }
        let query = AuditQuery(runbook: "db-failover", limit: 10)
        let first = try await fixture.store.auditPage(query)
        #expect(first.events == Array(original.reversed()[0..<10]))
        let cursor = try #require(first.next)

        // New events, matching and not, arrive between two pages.
        let arrived = try fixture.append(
            (0..<5).flatMap { [matching(1000 + $0), AuditStoreFixture.draft(at: 1000 + $0)] })

        var second = query
        second.cursor = cursor
        let secondPage = try await fixture.store.auditPage(second)
        #expect(secondPage.events == Array(original.reversed()[10..<20]))
        var third = query
        third.cursor = try #require(secondPage.next)
        let thirdPage = try await fixture.store.auditPage(third)
        #expect(thirdPage.events == Array(original.reversed()[20..<25]))
        #expect(thirdPage.next == nil)

        // The cursor survives its text form, and a fresh query starts with the new events.
        var again = query
        again.cursor = AuditCursor(encoded: cursor.encoded)
        #expect(try await fixture.store.auditPage(again) == secondPage)
        let fresh = try await fixture.store.auditPage(query)
        #expect(fresh.events.prefix(5) == arrived.filter { $0.runbook != nil }.reversed()[...])
    }

    @Test("export streams the whole selection in page order; NDJSON and CSV lines come from it")
    func export() async throws {
        let fixture = try AuditStoreFixture()
        defer { fixture.close() }
        try fixture.append(Self.dataset())
        let query = AuditQuery(runbook: "web-failover", limit: 7)
        var paged: [AuditEvent] = []
        var page = try await fixture.store.auditPage(query)
        paged += page.events
        while let next = page.next {
            var following = query
            following.cursor = next
            page = try await fixture.store.auditPage(following)
            paged += page.events
        }
        var streamed: [AuditEvent] = []
        var ndjson: [UInt8] = []
        var csv = Array(AuditEvent.csvHeader.utf8)
        try fixture.store.exportAuditEvents(query) { event in
            streamed.append(event)
            event.appendNDJSONLine(to: &ndjson)
            event.appendCSVRecord(to: &csv)
        }
        #expect(streamed == paged)
        #expect(streamed.count == 40)
        #expect(ndjson.count { $0 == UInt8(ascii: "\n") } == 40)
        #expect(String(decoding: ndjson, as: UTF8.self).split(separator: "\n").first == streamed[0].json[...])
        #expect(String(decoding: csv, as: UTF8.self).hasSuffix(streamed[39].csvRecord))

        var limited: [AuditEvent] = []
        try fixture.store.exportAuditEvents(query, limit: 3) { limited.append($0) }
        #expect(limited == Array(paged.prefix(3)))

        struct Stop: Error, Equatable {}
        var seen = 0
        #expect(throws: Stop()) {
            try fixture.store.exportAuditEvents(query) { _ in
                seen += 1
                if seen == 2 { throw Stop() }
            }
        }
        #expect(seen == 2)
    }
}
