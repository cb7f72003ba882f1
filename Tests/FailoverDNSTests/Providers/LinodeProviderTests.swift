import FailoverCore
import FailoverDNS
import FailoverHTTPServer
import FailoverTestSupport
import Foundation
import Testing

@Suite("Linode provider specifics", .timeLimit(.minutes(1)))
struct LinodeProviderTests {
    @Test func zoneAndRecordsAreFoundWithXFilter() async throws {
        try await ProviderHarness.run(.linode) { harness in
            harness.fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 300)
            _ = try await harness.provider.get(zone: "example.com", name: "APP", type: .a)
            let requests = harness.fake.requests
            #expect(requests.count == 2)
            #expect(requests[0].path == "/v4/domains")
            #expect(requests[0].headers["X-Filter"] == #"{"domain":"example.com"}"#)
            #expect(requests[1].headers["X-Filter"] == #"{"name":"app","type":"A"}"#)
            #expect(requests[1].query.contains { $0.name == "page_size" && $0.value == "500" })
        }
    }

    @Test(arguments: [(25, 30), (30, 30), (60, 120), (200, 300), (301, 3600), (90000, 172800)])
    func ttlIsRoundedUpBeforeComparing(requested: Int, stored: Int) async throws {
        try await ProviderHarness.run(.linode) { harness in
            harness.fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 0)
            let first = try await harness.provider.set(
                zone: "example.com", name: "app", type: .a,
                desired: ProviderHarness.desired(["192.0.2.1"], ttl: requested), dryRun: false)
            #expect(first.verified)
            #expect(harness.stored("app", "A") == ["192.0.2.1 \(stored)"])
            let put = try #require(harness.fake.requests.first { $0.method == .put })
            #expect(put.body == #"{"target":"192.0.2.1","ttl_sec":\#(stored)}"#)
            // The same request again converges: the stored value is what the rounded request compares to.
            harness.fake.resetRequestLog()
            let second = try await harness.provider.set(
                zone: "example.com", name: "app", type: .a,
                desired: ProviderHarness.desired(["192.0.2.1"], ttl: requested), dryRun: false)
            #expect(second.isNoOp)
            #expect(harness.fake.writeRequestCount == 0)
        }
    }

    @Test func zoneDefaultTTLIsOmittedOnCreate() async throws {
        try await ProviderHarness.run(.linode) { harness in
            _ = try await harness.provider.set(
                zone: "example.com", name: "app", type: .a, desired: ProviderHarness.desired(["192.0.2.1"], ttl: 0),
                dryRun: false)
            let post = try #require(harness.fake.requests.first { $0.method == .post })
            #expect(post.body == #"{"name":"app","target":"192.0.2.1","type":"A"}"#)
            #expect(harness.stored("app", "A") == ["192.0.2.1 0"])
        }
    }

    @Test func cnameIsWrittenWithoutTrailingDotAndComparedWithout() async throws {
        try await ProviderHarness.run(.linode) { harness in
            harness.fake.addRecord(
                zone: "example.com", name: "docs", type: "CNAME", target: "old.example.net", ttl: 300)
            let result = try await harness.provider.set(
                zone: "example.com", name: "docs", type: .cname,
                desired: ProviderHarness.desired(["docs.example.net."], ttl: 300), dryRun: false)
            #expect(result.verified)
            let put = try #require(harness.fake.requests.first { $0.method == .put })
            #expect(put.body.contains(#""target":"docs.example.net""#))
        }
    }

    @Test func deleteAnswers200WithEmptyObject() async throws {
        try await ProviderHarness.run(.linode) { harness in
            harness.fake.addRecord(zone: "example.com", name: "pool", type: "A", target: "192.0.2.1", ttl: 300)
            harness.fake.addRecord(zone: "example.com", name: "pool", type: "A", target: "192.0.2.2", ttl: 300)
            _ = try await harness.provider.set(
                zone: "example.com", name: "pool", type: .a, desired: ProviderHarness.desired(["192.0.2.1"], ttl: 300),
                dryRun: false)
            let delete = try #require(harness.fake.requests.first { $0.method == .delete })
            #expect(delete.status == 200)
            #expect(harness.stored("pool", "A") == ["192.0.2.1 300"])
        }
    }
}
