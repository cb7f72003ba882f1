import FailoverCore
import Testing

@Suite("Desired state")
struct DNSDesiredStateTests {
    @Test func deduplicatesAndSorts() throws {
        let state = try DNSDesiredState(targets: [" 192.0.2.2", "192.0.2.1", "192.0.2.2 "], ttl: 30)
        #expect(state.targets == ["192.0.2.1", "192.0.2.2"])
    }

    @Test func rejectsBadInput() {
        #expect(throws: DNSDesiredStateError.noTargets) { try DNSDesiredState(targets: [], ttl: 30) }
        #expect(throws: DNSDesiredStateError.emptyTarget) { try DNSDesiredState(targets: [" "], ttl: 30) }
        #expect(throws: DNSDesiredStateError.negativeTTL(-1)) { try DNSDesiredState(target: "192.0.2.1", ttl: -1) }
    }

    @Test func validatesAgainstType() throws {
        let two = try DNSDesiredState(targets: ["a.example.net", "b.example.net"], ttl: 30)
        #expect(throws: DNSDesiredStateError.severalTargets(.cname, count: 2)) { try two.validate(for: .cname) }
        #expect(throws: DNSDesiredStateError.typeNotWritable(.soa)) { try two.validate(for: .soa) }
        try two.validate(for: .txt)
        #expect(DNSRecordType(rawValue: "cname") == .cname)
    }
}
