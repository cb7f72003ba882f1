/// Why a configuration could not be loaded: the file is unreadable, or it has problems (all of them listed).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case unreadable
        case invalid
    }

    private let code: Code
    /// The file the configuration came from.
    public let source: String
    /// Every problem found, in file order.
    public let problems: [ConfigurationProblem]

    private init(_ code: Code, source: String, problems: [ConfigurationProblem]) {
        self.code = code
        self.source = source
        self.problems = problems
    }

    /// The file could not be read.
    public static func unreadable(_ source: String, reason: String) -> Self {
        .init(.unreadable, source: source, problems: [.init(line: nil, column: nil, path: "", message: reason)])
    }

    /// The file was read and has problems.
    public static func invalid(_ source: String, problems: [ConfigurationProblem]) -> Self {
        .init(.invalid, source: source, problems: problems)
    }

    /// One line per problem, each prefixed with the file name.
    public var description: String {
        problems.map { "\(source):\($0)" }.joined(separator: "\n")
    }
}
