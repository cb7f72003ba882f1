import FailoverCore
import FailoverDNS
import FailoverHTTPServer
import FailoverTestSupport
import Testing

@Suite("DigitalOcean provider specifics", .timeLimit(.minutes(1)))
struct DigitalOceanProviderTests {
    @Test func recordsAreFilteredByFullyQualifiedName() async throws {
        try await ProviderHarness.run(.digitalOcean) { harness in
            harness.fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 300)
            _ = try await harness.provider.get(zone: "example.com", name: "app", type: .a)
            _ = try await harness.provider.get(zone: "example.com", name: "@", type: .a)
            let lists = harness.fake.requests.filter { $0.path.hasSuffix("/records") }
            #expect(lists.count == 2)
            #expect(lists[0].query.contains { $0 == ("name", "app.example.com") })
            #expect(lists[0].query.contains { $0 == ("type", "A") })
            #expect(lists[1].query.contains { $0 == ("name", "example.com") })
        }
    }

    @Test func cnameIsWrittenWithTrailingDotAndReadWithout() async throws {
        try await ProviderHarness.run(.digitalOcean) { harness in
            harness.fake.addRecord(
                zone: "example.com", name: "docs", type: "CNAME", target: "old.example.net", ttl: 300)
            let result = try await harness.provider.set(
                zone: "example.com", name: "docs", type: .cname,
                desired: ProviderHarness.desired(["docs.example.net"], ttl: 300), dryRun: false)
            #expect(result.verified)
            #expect(result.after.map(\.target) == ["docs.example.net"])
            let put = try #require(harness.fake.requests.first { $0.method == .put })
            #expect(put.body == #"{"data":"docs.example.net.","name":"docs","ttl":300,"type":"CNAME"}"#)
            // The stored answer has no dot; the desired state with a dot is the same state.
            harness.fake.resetRequestLog()
            let again = try await harness.provider.set(
                zone: "example.com", name: "docs", type: .cname,
                desired: ProviderHarness.desired(["Docs.Example.NET."], ttl: 300), dryRun: false)
            #expect(again.isNoOp)
            #expect(harness.fake.writeRequestCount == 0)
        }
    }

    @Test func cnameCreateAnswers201() async throws {
        try await ProviderHarness.run(.digitalOcean) { harness in
            _ = try await harness.provider.set(
                zone: "example.com", name: "docs", type: .cname,
                desired: ProviderHarness.desired(["docs.example.net"], ttl: 300), dryRun: false)
            let post = try #require(harness.fake.requests.first { $0.method == .post })
            #expect(post.status == 201)
            #expect(post.body.contains(#""data":"docs.example.net.""#))
        }
    }

    @Test func ttlOnlyChangeResendsTheFullRecord() async throws {
        try await ProviderHarness.run(.digitalOcean) { harness in
            harness.fake.addRecord(
                zone: "example.com", name: "docs", type: "CNAME", target: "docs.example.net", ttl: 3600)
            let result = try await harness.provider.set(
                zone: "example.com", name: "docs", type: .cname,
                desired: ProviderHarness.desired(["docs.example.net"], ttl: 60), dryRun: false)
            #expect(result.verified)
            let put = try #require(harness.fake.requests.first { $0.method == .put })
            #expect(put.body == #"{"data":"docs.example.net.","name":"docs","ttl":60,"type":"CNAME"}"#)
        }
    }

    @Test func deleteAnswers204AndRequestIDsAreKept() async throws {
        try await ProviderHarness.run(.digitalOcean) { harness in
            harness.fake.addRecord(zone: "example.com", name: "pool", type: "A", target: "192.0.2.1", ttl: 300)
            harness.fake.addRecord(zone: "example.com", name: "pool", type: "A", target: "192.0.2.2", ttl: 300)
            let result = try await harness.provider.set(
                zone: "example.com", name: "pool", type: .a, desired: ProviderHarness.desired(["192.0.2.2"], ttl: 300),
                dryRun: false)
            let delete = try #require(harness.fake.requests.first { $0.method == .delete })
            #expect(delete.status == 204)
            #expect(result.requestIDs.count == result.requestCount)
            #expect(Set(result.requestIDs).count == result.requestIDs.count)
            #expect(result.requestIDs.allSatisfy { $0.count == 36 })
        }
    }

    @Test func validationMessageOfTheAPIIsPassedThrough() async throws {
        try await ProviderHarness.run(.digitalOcean) { harness in
            let error = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.set(
                    zone: "example.com", name: "app", type: .aaaa,
                    desired: ProviderHarness.desired(["192.0.2.1"], ttl: 300), dryRun: false)
            }
            #expect(error?.status == 422)
            #expect(error?.providerMessage == "Data must be a valid IPv6 address. (unprocessable_entity)")
        }
    }

    @Test func soaAndNsAreNotTouched() async throws {
        try await ProviderHarness.run(.digitalOcean) { harness in
            let ns = try await harness.provider.get(zone: "example.com", name: "@", type: .ns)
            #expect(ns.records.count == 3)
            let error = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.set(
                    zone: "example.com", name: "@", type: .ns,
                    desired: ProviderHarness.desired(["ns1.example.net"], ttl: 300), dryRun: false)
            }
            #expect(error?.isInvalidRequest == true)
        }
    }
}
