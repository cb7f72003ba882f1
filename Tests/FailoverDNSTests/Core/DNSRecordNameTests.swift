import FailoverCore
import Testing

@Suite("Record names")
struct DNSRecordNameTests {
    @Test(arguments: [
        ("app", "app"), ("APP", "app"), ("@", ""), ("", ""), ("example.com", ""), ("example.com.", ""),
        ("app.example.com", "app"), ("App.Example.Com.", "app"), ("www.eu", "www.eu"),
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
