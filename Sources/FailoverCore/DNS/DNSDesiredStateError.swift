/// Why a desired DNS state is not acceptable.
public struct DNSDesiredStateError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case noTargets, emptyTarget, negativeTTL, severalTargets, typeNotWritable
    }

    private let code: Code
    /// What is wrong, for the operator.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// No target was given.
    public static var noTargets: Self { .init(.noTargets, "the desired state needs at least one target") }
    /// A target is empty or only whitespace.
    public static var emptyTarget: Self { .init(.emptyTarget, "a target is empty") }
    /// The TTL is below zero.
    public static func negativeTTL(_ ttl: Int) -> Self { .init(.negativeTTL, "the TTL \(ttl) is negative") }
    /// A type that holds one record per name got several targets.
    public static func severalTargets(_ type: DNSRecordType, count: Int) -> Self {
        .init(.severalTargets, "a \(type) record has exactly one target, \(count) were given")
    }
    /// The type is managed by the provider (`SOA`, `NS`) and failoverd does not write it.
    public static func typeNotWritable(_ type: DNSRecordType) -> Self {
        .init(.typeNotWritable, "failoverd does not write \(type) records")
    }

    /// The message.
    public var description: String { message }
}
