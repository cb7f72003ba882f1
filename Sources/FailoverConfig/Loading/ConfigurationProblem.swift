/// One thing wrong with a configuration file, with its location.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line of the offending node, when known.
    public var line: Int?
    /// 1-based column of the offending node, when known.
    public var column: Int?
    /// Dotted path of the setting (`server.listen_address`).
    public var path: String
    /// What is wrong.
    public var message: String

    /// Creates a problem.
    public init(line: Int?, column: Int?, path: String, message: String) {
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// `LINE:COLUMN: PATH: MESSAGE`, the location left out when unknown.
    public var description: String {
        let location = line.map { "\($0):\(column ?? 1): " } ?? ""
        return path.isEmpty ? "\(location)\(message)" : "\(location)\(path): \(message)"
    }
}
