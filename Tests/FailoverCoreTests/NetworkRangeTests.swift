import FailoverCore
import Testing

@Suite("Networks: addresses, CIDR ranges, forwarded clients")
struct NetworkRangeTests {
    @Test(
        "addresses parse to one 16-byte form and print canonically",
        arguments: [
            ("192.0.2.1", "192.0.2.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
            ("::1", "::1"), ("::", "::"), ("2001:db8::1", "2001:db8::1"), ("2001:DB8:0:0::0020", "2001:db8::20"),
            ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"), ("fe80::1:0:0:1", "fe80::1:0:0:1"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"), ("::ffff:10.1.2.3", "10.1.2.3"), ("::FFFF:a01:203", "10.1.2.3"),
            ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"), ("1::", "1::"),
        ])
    func parses(text: String, canonical: String) throws {
        let address = try #require(NetworkAddress(parsing: text))
        #expect(address.bytes.count == 16)
        #expect(address.description == canonical)
        #expect(NetworkAddress(parsing: canonical) == address)
    }

    @Test(
        "anything else is not an address",
        arguments: [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1.2.3.4 ", " 1.2.3.4", "1..3.4", "a.b.c.d",
            ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "::1%eth0", "[::1]", "1.2.3.4:80",
            "::ffff:1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:1", "1:2:3:4:5:6:7::8", "localhost",
        ])
    func refuses(text: String) {
        #expect(NetworkAddress(parsing: text) == nil)
    }

    @Test("IPv4 and IPv4-mapped IPv6 are the same caller")
    func mapped() throws {
        let plain = try #require(NetworkAddress(parsing: "10.1.2.3"))
        let mapped = try #require(NetworkAddress(parsing: "::ffff:10.1.2.3"))
        #expect(plain == mapped)
        #expect(plain.isIPv4 && mapped.isIPv4)
        #expect(NetworkAddress(parsing: "::1")?.isIPv4 == false)
    }

    @Test(
        "ranges match what they cover and nothing else",
        arguments: [
            ("10.0.0.0/8", "10.0.0.0", true), ("10.0.0.0/8", "10.255.255.255", true), ("10.0.0.0/8", "11.0.0.0", false),
            ("10.0.0.0/8", "9.255.255.255", false), ("10.0.0.0/8", "::ffff:10.9.9.9", true),
            ("10.0.0.0/8", "::a09:909", false), ("192.168.1.0/24", "192.168.1.77", true),
            ("192.168.1.0/24", "192.168.2.1", false), ("192.168.1.128/25", "192.168.1.127", false),
            ("192.168.1.128/25", "192.168.1.128", true), ("127.0.0.1", "127.0.0.1", true),
            ("127.0.0.1", "127.0.0.2", false), ("127.0.0.1/32", "127.0.0.1", true), ("0.0.0.0/0", "203.0.113.9", true),
            ("0.0.0.0/0", "2001:db8::1", false), ("::/0", "2001:db8::1", true), ("::/0", "10.0.0.1", true),
            ("::1/128", "::1", true), ("::1/128", "::2", false), ("::1/128", "127.0.0.1", false),
            ("2001:db8::/32", "2001:db8:ffff::1", true), ("2001:db8::/32", "2001:db9::1", false),
            ("2001:db8::/33", "2001:db8:7fff::1", true), ("2001:db8::/33", "2001:db8:8000::1", false),
            ("::ffff:0:0/96", "198.51.100.1", true), ("172.16.0.0/12", "172.31.255.255", true),
            ("172.16.0.0/12", "172.32.0.0", false), ("1.2.3.4/31", "1.2.3.5", true), ("1.2.3.4/31", "1.2.3.6", false),
        ])
    func contains(range: String, address: String, expected: Bool) throws {
        let network = try NetworkRange(parsing: range)
        let candidate = try #require(NetworkAddress(parsing: address))
        #expect(network.contains(candidate) == expected)
    }

    @Test(
        "bad CIDR text says what is wrong",
        arguments: [
            ("10.0.0.0/33", "invalid prefix length: expected 0 to 32"),
            ("::/129", "invalid prefix length: expected 0 to 128"), ("10.0.0.0/", "invalid prefix length"),
            ("10.0.0.0/-1", "invalid prefix length"), ("10.0.0.0/8/8", "invalid prefix length"),
            ("10.0.0.0/ 8", "invalid prefix length"), ("10.0.0.0/+8", "invalid prefix length"),
            ("10.0.0.1/8", "write the network as 10.0.0.0/8"), ("2001:db8::1/32", "write the network as 2001:db8::/32"),
            ("10.0.0.256/8", "is not a network"), ("example.com/8", "is not a network"), ("", "is not a network"),
        ])
    func refusesRanges(text: String, message: String) {
        #expect {
            _ = try NetworkRange(parsing: text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test("ranges print as written, canonically")
    func rangeDescription() throws {
        #expect(try NetworkRange(parsing: "10.0.0.0/8").description == "10.0.0.0/8")
        #expect(try NetworkRange(parsing: "2001:DB8::/32").description == "2001:db8::/32")
        #expect(try NetworkRange(parsing: "::1").description == "::1/128")
        #expect(try NetworkRange(parsing: "192.0.2.7").description == "192.0.2.7/32")
        #expect(try NetworkRange(parsing: "::ffff:0:0/96").description == "::ffff:0:0/96")
    }

    static let proxies = [try! NetworkRange(parsing: "127.0.0.1"), try! NetworkRange(parsing: "10.0.0.0/8")]

    @Test(
        "the forwarded client is the rightmost hop that is not a trusted proxy",
        arguments: [
            // An untrusted peer's header is never read.
            ("192.0.2.9", ["203.0.113.5"], "192.0.2.9"),
            ("127.0.0.1", [], "127.0.0.1"),
            ("127.0.0.1", ["203.0.113.5"], "203.0.113.5"),
            ("127.0.0.1", ["198.51.100.1, 203.0.113.5"], "203.0.113.5"),
            ("127.0.0.1", ["198.51.100.1, 203.0.113.5, 10.1.1.1"], "203.0.113.5"),
            ("127.0.0.1", ["198.51.100.1", "203.0.113.5 , 10.1.1.1"], "203.0.113.5"),
            ("::ffff:127.0.0.1", ["2001:db8::5"], "2001:db8::5"),
            ("127.0.0.1", ["10.2.2.2, 10.1.1.1"], "10.2.2.2"),
            ("127.0.0.1", ["::ffff:203.0.113.5"], "203.0.113.5"),
        ])
    func forwarded(peer: String, headers: [String], client: String) {
        let resolved = ForwardedClientAddress.resolve(peer: peer, forwardedFor: headers, trustedProxies: Self.proxies)
        #expect(resolved?.description == client)
    }

    @Test(
        "a malformed or overlong forwarded chain makes the client unknown",
        arguments: [
            ["unknown"], ["203.0.113.5, garbage"], ["203.0.113.5:443"], ["203.0.113.5,"], [""],
            [Array(repeating: "10.0.0.1", count: 40).joined(separator: ",")],
        ])
    func unknown(headers: [String]) {
        #expect(
            ForwardedClientAddress.resolve(peer: "127.0.0.1", forwardedFor: headers, trustedProxies: Self.proxies)
                == nil)
    }

    @Test("a garbage hop left of the client is never read")
    func garbageLeftOfClient() {
        let resolved = ForwardedClientAddress.resolve(
            peer: "127.0.0.1", forwardedFor: ["garbage, 203.0.113.5"], trustedProxies: Self.proxies)
        #expect(resolved?.description == "203.0.113.5")
    }
}
