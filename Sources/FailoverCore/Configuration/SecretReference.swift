/// Where a secret lives. Secrets never sit in the configuration file itself.
public enum SecretReference: Sendable, Hashable, CustomStringConvertible {
    /// Read from a file; surrounding whitespace (a trailing newline) is trimmed.
    case file(String)
    /// Read from an environment variable.
    case environment(String)

    /// Where the secret comes from, never the secret itself.
    public var description: String {
        switch self {
        case .file(let path): "file \(path)"
        case .environment(let name): "environment variable \(name)"
        }
    }
}
