/// One fuzz target: a parser or decoder that takes untrusted bytes, and the properties it must keep for any input.
///
/// `make fuzz` runs each under libFuzzer (`failoverd-fuzz`, built with `-sanitize=fuzzer,address`); `make test`
/// replays the seed corpora and the crashers kept in `Tests/Fixtures/fuzz/`, plus a short run of mutations.
/// A target reports a broken property as a ``FuzzFinding``; a crash or a hang is a finding by itself.
public struct FuzzTarget: Sendable {
    /// The name used on the command line and as the corpus folder (`Tests/Fixtures/fuzz/NAME`).
    public let name: String
    /// What the target feeds its input to.
    public let summary: String
    private let body: @Sendable ([UInt8]) throws(FuzzFinding) -> Void

    /// Creates a target.
    public init(name: String, summary: String, body: @escaping @Sendable ([UInt8]) throws(FuzzFinding) -> Void) {
        self.name = name
        self.summary = summary
        self.body = body
    }

    /// Feeds one input to the target.
    /// - Throws: ``FuzzFinding`` when the input broke a property the target checks.
    public func run(_ input: [UInt8]) throws(FuzzFinding) {
        try body(input)
    }

    /// Every target, in the order `make fuzz` runs them.
    public static let all: [FuzzTarget] = [
        .webhookDecoder, .matcherParser, .templateRenderer, .configurationLoader, .auditQueryParser,
        .providerResponses,
    ]

    /// The target called `name`, if there is one.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}

/// An input that broke a property a fuzz target checks.
public struct FuzzFinding: Error, Sendable, CustomStringConvertible {
    /// The target that found it.
    public var target: String
    /// The property that broke, with the values that show it.
    public var message: String

    /// Creates a finding.
    public init(target: String, _ message: String) {
        self.target = target
        self.message = message
    }

    /// `TARGET: MESSAGE`.
    public var description: String { "\(target): \(message)" }
}
