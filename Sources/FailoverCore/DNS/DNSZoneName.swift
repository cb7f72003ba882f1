/// A zone's domain name, lower-case and without a trailing dot (`example.com`).
public struct DNSZoneName: Sendable, Hashable, CustomStringConvertible {
    /// The normalised name.
    public let name: String

    /// Normalises a zone name: lower-cases it and drops trailing dots.
    public init(_ name: String) {
        var text = name.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        self.name = text
    }

    /// The name.
    public var description: String { name }
}
