import FailoverCore
import Testing

@Suite("Provider normalisation rules")
struct DNSRecordRulesTests {
    let zone = DNSZoneName("Example.COM.")

    @Test(arguments: [
        (0, 0), (1, 30), (30, 30), (31, 120), (120, 120), (121, 300), (300, 300), (301, 3600), (3600, 3600),
        (3601, 7200), (86399, 86400), (86400, 86400), (604801, 1209600), (2419200, 2419200), (9999999, 2419200),
        (-5, 0),
    ])
    func linodeRoundsTTLUp(requested: Int, stored: Int) {
        #expect(DNSRecordRules.linode.storedTTL(requested) == stored)
    }

    @Test func digitalOceanKeepsTTL() {
        #expect(DNSRecordRules.digitalOcean.storedTTL(37) == 37)
    }

    @Test func digitalOceanWritesHostNamesWithTrailingDot() {
        let rules = DNSRecordRules.digitalOcean
        #expect(rules.targetForWrite("target.example.net", type: .cname, zone: zone) == "target.example.net.")
        #expect(rules.targetForWrite("target.example.net.", type: .cname, zone: zone) == "target.example.net.")
        #expect(rules.targetForWrite("@", type: .cname, zone: zone) == "example.com.")
        #expect(rules.targetForWrite("mail.example.net", type: .mx, zone: zone) == "mail.example.net.")
        #expect(rules.targetForWrite("192.0.2.1", type: .a, zone: zone) == "192.0.2.1")
        #expect(rules.targetForWrite("some text.", type: .txt, zone: zone) == "some text.")
    }

    @Test func linodeWritesHostNamesWithoutTrailingDot() {
        let rules = DNSRecordRules.linode
        #expect(rules.targetForWrite("target.example.net.", type: .cname, zone: zone) == "target.example.net")
        #expect(rules.targetForWrite("@", type: .cname, zone: zone) == "example.com")
    }

    @Test func comparableTargets() {
        let rules = DNSRecordRules.digitalOcean
        #expect(rules.comparableTarget("Target.Example.NET.", type: .cname, zone: zone) == "target.example.net")
        #expect(rules.comparableTarget("@", type: .cname, zone: zone) == "example.com")
        #expect(rules.comparableTarget("2001:DB8::1", type: .aaaa, zone: zone) == "2001:db8::1")
        #expect(rules.comparableTarget("Mixed Case", type: .txt, zone: zone) == "Mixed Case")
    }
}

@Suite("Record names")
struct DNSRecordNameTests {
    @Test(arguments: [
        ("app", "app"), ("APP", "app"), ("@", ""), ("", ""), ("example.com", ""), ("example.com.", ""),
        ("app.example.com", "app"), ("App.Example.Com.", "app"), ("www.eu", "www.eu")
    ])
    func parsesOperatorInput(input: String, relative: String) throws {
        let name = try #require(DNSRecordName(input, inZone: "example.com"))
        #expect(name.relative == relative)
    }

    @Test func rejectsQualifiedNamesOutsideTheZone() {
        #expect(DNSRecordName("app.example.org.", inZone: "example.com") == nil)
        #expect(DNSRecordName("app.", inZone: "example.com") == nil)
    }

    @Test func apexSpellingsAreEqual() {
        #expect(DNSRecordName(relative: "@") == DNSRecordName(relative: ""))
        #expect(DNSRecordName.apex.isApex)
        #expect(DNSRecordName.apex.description == "@")
        #expect(DNSRecordName.apex.fullyQualified(in: DNSZoneName("example.com")) == "example.com")
        #expect(DNSRecordName(relative: "App").fullyQualified(in: DNSZoneName("example.com.")) == "app.example.com")
    }
}

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
