/// The type of a DNS resource record (`A`, `AAAA`, `CNAME`, ...), always upper-case.
public struct DNSRecordType: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The type's mnemonic, upper-case.
    public let rawValue: String

    /// Creates a type from its mnemonic; the spelling is upper-cased (`cname` becomes `CNAME`).
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

    /// IPv4 address.
    public static let a = DNSRecordType(rawValue: "A")
    /// IPv6 address.
    public static let aaaa = DNSRecordType(rawValue: "AAAA")
    /// Alias to another host name; at most one target per name.
    public static let cname = DNSRecordType(rawValue: "CNAME")
    /// Free text.
    public static let txt = DNSRecordType(rawValue: "TXT")
    /// Mail exchanger.
    public static let mx = DNSRecordType(rawValue: "MX")
    /// Name server.
    public static let ns = DNSRecordType(rawValue: "NS")
    /// Service locator.
    public static let srv = DNSRecordType(rawValue: "SRV")
    /// Certification authority authorization.
    public static let caa = DNSRecordType(rawValue: "CAA")
    /// Reverse pointer.
    public static let ptr = DNSRecordType(rawValue: "PTR")
    /// Start of authority (DigitalOcean lists it; only its TTL can change).
    public static let soa = DNSRecordType(rawValue: "SOA")

    /// Whether the record's data is a host name (DigitalOcean then wants a trailing dot on write).
    public var targetIsHostName: Bool {
        self == .cname || self == .mx || self == .ns || self == .srv || self == .ptr
    }

    /// Whether a name may hold several records of this type (a round-robin set); false only for `CNAME`.
    public var allowsSeveralTargets: Bool { self != .cname }

    /// Whether failoverd may write records of this type (it never edits `SOA` or `NS` sets).
    public var isWritable: Bool { self != .soa && self != .ns }

    /// Orders types by mnemonic.
    public static func < (lhs: DNSRecordType, rhs: DNSRecordType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The mnemonic.
    public var description: String { rawValue }
}
