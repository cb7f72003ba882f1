import FailoverCore
import FailoverDNS
import FailoverHTTPServer
import FailoverTestSupport
import Testing

@Suite("Providers against the fakes: reading and reconciling", .timeLimit(.minutes(1)))
struct ProviderReconcileTests {
    typealias Flavor = FakeDNSProviderServer.Flavor

    @Test(arguments: Flavor.allCases)
    func findsTheZone(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            let zone = try await harness.provider.findZone("Example.COM.")
            #expect(zone.name.name == "example.com")
            #expect(!zone.id.isEmpty)
        }
    }

    @Test(arguments: Flavor.allCases)
    func getReadsTheRecordsOfOneNameAndType(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 300)
            harness.fake.addRecord(zone: "example.com", name: "app", type: "AAAA", target: "2001:db8::1", ttl: 300)
            harness.fake.addRecord(zone: "example.com", name: "www", type: "A", target: "192.0.2.9", ttl: 300)
            let set = try await harness.provider.get(zone: "example.com", name: "app.example.com", type: .a)
            #expect(set.records.map(\.target) == ["192.0.2.1"])
            #expect(set.records.first?.name == DNSRecordName(relative: "app"))
            #expect(set.summary == "app.example.com A: 192.0.2.1 ttl=300 (#\(set.records[0].id))")
        }
    }

    @Test(arguments: Flavor.allCases)
    func alreadyInStateWritesNothing(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.addRecord(zone: "example.com", name: "app", type: "A", target: "198.51.100.5", ttl: 30)
            let result = try await harness.provider.set(
                zone: "example.com", name: "app", type: .a,
                desired: ProviderHarness.desired(["198.51.100.5"], ttl: 30), dryRun: false)
            #expect(result.isNoOp)
            #expect(result.verified)
            #expect(result.before == result.after)
            #expect(harness.fake.writeRequestCount == 0)
            #expect(result.requestCount == 2)  // zone + records
            #expect(result.summary.contains("already 198.51.100.5 ttl=30; no change"))
        }
    }

    /// The provider holds `2001:db8::20`; the runbook types `2001:DB8:0:0::0020`: the same address, no write.
    @Test(arguments: Flavor.allCases)
    func anAddressTypedAnotherWayIsNoChange(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.addRecord(zone: "example.com", name: "app", type: "AAAA", target: "2001:db8::20", ttl: 300)
            let result = try await harness.provider.set(
                zone: "example.com", name: "app", type: .aaaa,
                desired: ProviderHarness.desired(["2001:DB8:0:0::0020"], ttl: 300), dryRun: false)
            #expect(result.isNoOp)
            #expect(result.verified)
            #expect(harness.fake.writeRequestCount == 0)
            let created = try await harness.provider.set(
                zone: "example.com", name: "api", type: .aaaa,
                desired: ProviderHarness.desired(["2001:DB8:0:0::0021"], ttl: 300), dryRun: false)
            #expect(created.verified)
            #expect(harness.stored("api", "AAAA") == ["2001:db8::21 300"])
        }
    }

    @Test(arguments: Flavor.allCases)
    func differentTargetIsUpdatedInPlaceWithOnePUT(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            let id = harness.fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 300)
            let result = try await harness.provider.set(
                zone: "example.com", name: "app", type: .a,
                desired: ProviderHarness.desired(["198.51.100.5"], ttl: 30), dryRun: false)
            #expect(!result.isNoOp)
            #expect(result.verified)
            #expect(result.before.map(\.target) == ["192.0.2.1"])
            #expect(result.after.map(\.target) == ["198.51.100.5"])
            #expect(result.after.map(\.id) == ["\(id)"])  // same record, changed in place
            #expect(harness.fake.requestCount(.put) == 1)
            #expect(harness.fake.writeRequestCount == 1)
            #expect(harness.stored("app", "A") == ["198.51.100.5 30"])
            #expect(result.summary.contains("192.0.2.1 ttl=300 -> 198.51.100.5 ttl=30 (1 update; verified)"))
        }
    }

    @Test(arguments: Flavor.allCases)
    func missingRecordIsCreatedWithOnePOST(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            let result = try await harness.provider.set(
                zone: "example.com", name: "app", type: .a,
                desired: ProviderHarness.desired(["198.51.100.5"], ttl: 300), dryRun: false)
            #expect(result.before.isEmpty)
            #expect(result.after.map(\.target) == ["198.51.100.5"])
            #expect(harness.fake.requestCount(.post) == 1)
            #expect(harness.fake.writeRequestCount == 1)
            #expect(harness.stored("app", "A") == ["198.51.100.5 300"])
        }
    }

    @Test(arguments: Flavor.allCases)
    func roundRobinSetIsReconciled(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.addRecord(zone: "example.com", name: "pool", type: "A", target: "192.0.2.1", ttl: 300)
            harness.fake.addRecord(zone: "example.com", name: "pool", type: "A", target: "192.0.2.2", ttl: 300)
            harness.fake.addRecord(zone: "example.com", name: "pool", type: "A", target: "192.0.2.3", ttl: 300)
            // Keep .1, replace .2 and .3 by one new address: one PUT, one DELETE, no POST.
            let result = try await harness.provider.set(
                zone: "example.com", name: "pool", type: .a,
                desired: ProviderHarness.desired(["192.0.2.1", "203.0.113.10"], ttl: 300), dryRun: false)
            #expect(result.verified)
            #expect(harness.stored("pool", "A") == ["192.0.2.1 300", "203.0.113.10 300"])
            #expect(harness.fake.requestCount(.put) == 1)
            #expect(harness.fake.requestCount(.delete) == 1)
            #expect(harness.fake.requestCount(.post) == 0)
            let writes = harness.fake.requests.filter(\.isWrite).map(\.method)
            #expect(writes == [.put, .delete])  // delete last

            // Growing the set creates only the missing targets.
            harness.fake.resetRequestLog()
            _ = try await harness.provider.set(
                zone: "example.com", name: "pool", type: .a,
                desired: ProviderHarness.desired(["192.0.2.1", "203.0.113.10", "203.0.113.11"], ttl: 300),
                dryRun: false)
            #expect(harness.fake.requestCount(.post) == 1)
            #expect(harness.fake.writeRequestCount == 1)

            // And a second run is a no-op.
            harness.fake.resetRequestLog()
            let again = try await harness.provider.set(
                zone: "example.com", name: "pool", type: .a,
                desired: ProviderHarness.desired(["203.0.113.11", "192.0.2.1", "203.0.113.10"], ttl: 300),
                dryRun: false)
            #expect(again.isNoOp)
            #expect(harness.fake.writeRequestCount == 0)
        }
    }

    @Test(arguments: Flavor.allCases)
    func apexRecordsAreFoundAndChanged(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.addRecord(zone: "example.com", name: "", type: "A", target: "192.0.2.1", ttl: 300)
            harness.fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.50", ttl: 300)
            for spelling in ["@", "", "example.com", "example.com."] {
                let set = try await harness.provider.get(zone: "example.com", name: spelling, type: .a)
                #expect(set.records.map(\.target) == ["192.0.2.1"], "apex spelled \(spelling)")
                #expect(set.name.isApex)
            }
            let result = try await harness.provider.set(
                zone: "example.com", name: "@", type: .a, desired: ProviderHarness.desired(["198.51.100.5"], ttl: 300),
                dryRun: false)
            #expect(result.verified)
            #expect(harness.stored("", "A") == ["198.51.100.5 300"])
            #expect(harness.stored("app", "A") == ["192.0.2.50 300"])
            let put = try #require(harness.fake.requests.first { $0.method == .put })
            if flavor == .digitalOcean { #expect(put.body.contains(#""name":"@""#)) }
        }
    }

    @Test(arguments: Flavor.allCases)
    func paginationIsFollowedAcrossPages(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.setMaxPageSize(2)
            for index in 1...5 {
                harness.fake.addRecord(
                    zone: "example.com", name: "pool", type: "A", target: "192.0.2.\(index)", ttl: 300)
            }
            let set = try await harness.provider.get(zone: "example.com", name: "pool", type: .a)
            #expect(set.records.count == 5)
            let path =
                flavor == .linode
                ? "/v4/domains/\(set.zone.id)/records" : "/v2/domains/example.com/records"
            #expect(harness.fake.requestCount(.get, path: path) == 3)

            harness.fake.resetRequestLog()
            let result = try await harness.provider.set(
                zone: "example.com", name: "pool", type: .a,
                desired: ProviderHarness.desired(["192.0.2.5"], ttl: 300), dryRun: false)
            #expect(result.verified)
            #expect(harness.fake.requestCount(.delete) == 4)
            #expect(harness.stored("pool", "A") == ["192.0.2.5 300"])
        }
    }

    @Test(arguments: Flavor.allCases)
    func dryRunPlansWithoutWriting(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 300)
            let result = try await harness.provider.set(
                zone: "example.com", name: "app", type: .a,
                desired: ProviderHarness.desired(["198.51.100.5", "198.51.100.6"], ttl: 300), dryRun: true)
            #expect(result.dryRun)
            #expect(result.plan.operations.count == 2)
            #expect(harness.fake.writeRequestCount == 0)
            #expect(harness.stored("app", "A") == ["192.0.2.1 300"])
            #expect(result.summary.contains("would take 1 update, 1 create (dry run, nothing written)"))
        }
    }

    @Test(arguments: Flavor.allCases)
    func unknownZoneIsReported(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            let error = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.get(zone: "thisisadomainidonotown.com", name: "app", type: .a)
            }
            #expect(error?.isUnknownZone == true)
            #expect(error?.description.contains("zone thisisadomainidonotown.com does not exist") == true)
            #expect(harness.fake.requestCount() == 1)
        }
    }

    @Test(arguments: Flavor.allCases)
    func badTokenIsReportedWithoutTheToken(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor, fakeToken: "the-right-token") { harness in
            let error = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.get(zone: "example.com", name: "app", type: .a)
            }
            #expect(error?.isBadToken == true)
            #expect(error?.status == 401)
            let expectedMessage = flavor == .linode ? "Invalid Token" : "Unable to authenticate you."
            #expect(error?.providerMessage?.contains(expectedMessage) == true)
            #expect(error?.description.contains("environment variable FAILOVERD_TEST_TOKEN") == true)
            #expect(error.map { !"\($0)".contains(ProviderHarness.token) } == true)
            #expect(error.map { !String(reflecting: $0).contains(ProviderHarness.token) } == true)
            #expect(!harness.logsContainToken)
            #expect(harness.fake.requestCount() == 1)  // 401 is never retried
        }
    }

    @Test(arguments: Flavor.allCases)
    func missingWriteScopeIsReported(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            harness.fake.setTokenScope(.readOnly)
            harness.fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 300)
            let error = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.set(
                    zone: "example.com", name: "app", type: .a,
                    desired: ProviderHarness.desired(["198.51.100.5"], ttl: 300), dryRun: false)
            }
            #expect(error?.isMissingScope == true)
            let scope = flavor == .linode ? "domains:read_write" : "domain:update"
            #expect(error?.description.contains("needs the scope \(scope)") == true)
            #expect(harness.stored("app", "A") == ["192.0.2.1 300"])
        }
    }

    @Test(arguments: Flavor.allCases)
    func validationErrorCarriesTheProvidersMessage(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            let error = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.set(
                    zone: "example.com", name: "app", type: .a,
                    desired: ProviderHarness.desired(["not-an-address"], ttl: 300), dryRun: false)
            }
            #expect(error?.isValidationFailure == true)
            let text =
                flavor == .linode
                ? "target: You must provide a valid IPv4 address." : "Data must be a valid IPv4 address."
            #expect(error?.providerMessage?.contains(text) == true)
            #expect(error?.description.contains(text) == true)
            #expect(error?.status == (flavor == .linode ? 400 : 422))
        }
    }

    @Test(arguments: Flavor.allCases)
    func invalidRequestsFailBeforeAnyCall(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            let error = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.set(
                    zone: "example.com", name: "www", type: .cname,
                    desired: ProviderHarness.desired(["a.example.net", "b.example.net"], ttl: 300), dryRun: false)
            }
            #expect(error?.isInvalidRequest == true)
            #expect(harness.fake.requestCount() == 0)
            let outside = await #expect(throws: DNSProviderError.self) {
                _ = try await harness.provider.get(zone: "example.com", name: "app.example.org.", type: .a)
            }
            #expect(outside?.isInvalidRequest == true)
        }
    }

    @Test(arguments: Flavor.allCases)
    func tokenIsSentAsBearerAndNeverLogged(flavor: Flavor) async throws {
        try await ProviderHarness.run(flavor) { harness in
            _ = try await harness.provider.set(
                zone: "example.com", name: "app", type: .a, desired: ProviderHarness.desired(["192.0.2.7"], ttl: 300),
                dryRun: false)
            #expect(
                harness.fake.requests.allSatisfy { $0.headers["Authorization"] == "Bearer \(ProviderHarness.token)" })
            #expect(!harness.logs.all.isEmpty)
            #expect(!harness.logsContainToken)
        }
    }
}
