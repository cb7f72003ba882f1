import FailoverCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Canonical IP address spelling")
struct IPAddressTextTests {
    @Test(arguments: [
        ("2001:DB8:0:0::0020", "2001:db8::20"), ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::", "::"), ("::1", "::1"), ("1::", "1::"), ("0:0:0:0:0:0:0:1", "::1"),
        ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"), ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8::1:0:0:0", "2001:db8:0:0:1::"), ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
        ("::FFFF:192.0.2.1", "::ffff:192.0.2.1"), ("::ffff:c000:0201", "::ffff:192.0.2.1"),
        ("::192.0.2.1", "::192.0.2.1"), ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"), ("fe80::1:2", "fe80::1:2"),
    ])
    func ipv6IsWrittenOneWay(typed: String, canonical: String) {
        #expect(IPAddressText.canonicalIPv6(typed) == canonical)
        #expect(IPAddressText.canonicalIPv6(canonical) == canonical)
    }

    @Test(arguments: [
        "", ":", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", "::1%eth0", ":1::",
        "1::2:", "1:2:3:4:5:6:7::8", "::1.2.3", "::256.0.0.1", "1.2.3.4::", "::1.2.3.4:5", " ::1", "１::",
    ])
    func notIPv6(text: String) {
        #expect(IPAddressText.canonicalIPv6(text) == nil)
    }

    @Test(arguments: ["192.0.2.1", "0.0.0.0", "255.255.255.255", "10.20.30.40"])
    func ipv4IsKept(text: String) {
        #expect(IPAddressText.canonicalIPv4(text) == text)
    }

    @Test(arguments: ["192.0.2", "192.0.2.1.5", "192.0.2.256", "192.0.02.1", "127.1", "2130706433", "1.2.3.-4", ""])
    func notIPv4(text: String) {
        #expect(IPAddressText.canonicalIPv4(text) == nil)
    }

    /// Agrees with glibc on what is an address and how it is printed, over addresses built from a fixed seed
    /// (`SplitMix64`, beside the template tests) so that zero runs of every length and position occur.
    @Test func agreesWithInetNtop() {
        var generator = SplitMix64(seed: 0x5eed)
        for _ in 0..<20_000 {
            var bytes = [UInt8](repeating: 0, count: 16)
            for group in 0..<8 where generator.next() % 3 != 0 {
                let value = UInt16(truncatingIfNeeded: generator.next() % 4 == 0 ? 0xffff : generator.next())
                bytes[group * 2] = UInt8(value >> 8)
                bytes[group * 2 + 1] = UInt8(value & 0xff)
            }
            let glibc = inetNtop(bytes)
            let uncompressed = stride(from: 0, to: 16, by: 2).map {
                String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16, uppercase: true)
            }.joined(separator: ":")
            #expect(IPAddressText.canonicalIPv6(uncompressed) == glibc, "\(uncompressed)")
            #expect(IPAddressText.canonicalIPv6(glibc) == glibc)
            #expect(NetworkAddress(parsing: glibc)?.bytes == bytes)
        }
    }

    private func inetNtop(_ bytes: [UInt8]) -> String {
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
        return String(cString: buffer)
    }
}
