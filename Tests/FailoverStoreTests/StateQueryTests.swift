import FailoverCore
import FailoverStore
import Testing

@Suite("Operator queries")
struct StateQueryTests {
    @Test("episodes filter by state, alertname and fingerprint, newest first, limited")
    func episodeFilters() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        for index in 0..<5 {
            _ = await fixture.writer.submit(
                Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "a\(index)", alertname: "A")))
        }
        _ = await fixture.writer.submit(
            Deliveries.prepared(Deliveries.alert(.firing, fingerprint: "b0", alertname: "B")))
        _ = await fixture.writer.submit(
            Deliveries.prepared(Deliveries.alert(.resolved, fingerprint: "a1", alertname: "A")))
        let store = fixture.store
        #expect(try await store.episodes(EpisodeQuery()).map(\.fingerprint) == ["b0", "a4", "a3", "a2", "a1", "a0"])
        #expect(try await store.episodes(EpisodeQuery(limit: 2)).map(\.fingerprint) == ["b0", "a4"])
        #expect(try await store.episodes(EpisodeQuery(state: .resolved)).map(\.fingerprint) == ["a1"])
        #expect(
            try await store.episodes(EpisodeQuery(state: .firing, alertname: "A")).map(\.fingerprint) == [
                "a4", "a3", "a2", "a0",
            ])
        #expect(try await store.episodes(EpisodeQuery(fingerprint: "b0")).map(\.alertname) == ["B"])
        #expect(try await store.episodes(EpisodeQuery(alertname: "'; DROP TABLE episodes; --")).isEmpty)
        #expect(try await store.episodeCounts() == [.firing: 5, .resolved: 1])
    }

    @Test("deliveries newest first, with digest and size but not the body")
    func deliveries() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        for index in 0..<3 {
            _ = await fixture.writer.submit(
                Deliveries.prepared([Deliveries.alert(.firing, fingerprint: "d\(index)")], groupKey: "g\(index)"))
        }
        let records = try await fixture.store.deliveries(limit: 2)
        #expect(records.map(\.groupKey) == ["g2", "g1"])
        let newest = try #require(records.first)
        #expect(newest.alertCount == 1)
        #expect(newest.firingCount == 1)
        #expect(newest.bodyBytes == 12)
        #expect(newest.bodySHA256 == String(repeating: "ab", count: 32))
        #expect(newest.receivedAt == "2026-11-21T16:37:18Z")
    }
}
