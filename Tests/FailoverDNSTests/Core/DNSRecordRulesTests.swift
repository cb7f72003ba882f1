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
