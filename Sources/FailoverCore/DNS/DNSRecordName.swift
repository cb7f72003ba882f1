/// The owner name of a record relative to its zone, lower-cased, with the apex spelled as the empty string.
///
/// Providers spell the apex differently (Linode `""`, DigitalOcean `"@"`) and some callers pass fully qualified
/// names; this type is the one spelling failoverd compares.
public struct DNSRecordName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The relative name: `""` for the apex, `app` or `www.eu` otherwise; lower-case, no trailing dot.
    public let relative: String

    /// The zone apex.
    public static let apex = DNSRecordName(normalized: "")

    private init(normalized: String) { relative = normalized }

    /// Creates a name from a relative spelling: `""` and `"@"` mean the apex; case and a trailing dot are ignored.
    public init(relative name: String) {
        var text = name.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        relative = text == "@" ? "" : text
    }

    /// Interprets what an operator typed: a relative name, `@`, or a fully qualified name inside `zone`.
    ///
    /// A name ending in a dot is fully qualified and must lie in the zone; a name without the dot that ends with
    /// the zone name is also taken as fully qualified (`app.example.com` in `example.com` is `app`).
    /// - Returns: `nil` when a fully qualified name lies outside the zone.
    public init?(_ name: String, inZone zone: String) {
        let zoneName = DNSZoneName(zone)
        let lowered = name.lowercased()
        let qualified = lowered.hasSuffix(".")
        var text = lowered
        while text.hasSuffix(".") { text.removeLast() }
        if text == "@" || text.isEmpty {
            self = .apex
        } else if text == zoneName.name {
            self = .apex
        } else if text.hasSuffix("." + zoneName.name) {
            self.init(normalized: String(text.dropLast(zoneName.name.count + 1)))
        } else if qualified {
            return nil
        } else {
            self.init(normalized: text)
        }
    }

    /// Whether this is the zone apex.
    public var isApex: Bool { relative.isEmpty }

    /// The fully qualified name in `zone`, without a trailing dot (`app.example.com`, or `example.com` at the apex).
    public func fullyQualified(in zone: DNSZoneName) -> String {
        isApex ? zone.name : "\(relative).\(zone.name)"
    }

    /// Orders names by their relative spelling.
    public static func < (lhs: DNSRecordName, rhs: DNSRecordName) -> Bool { lhs.relative < rhs.relative }

    /// `@` for the apex, the relative name otherwise.
    public var description: String { isApex ? "@" : relative }
}
