import FailoverCore
import Foundation

/// Reads secrets from the files or environment variables the configuration names.
public struct SecretResolver: Sendable {
    private let environment: [String: String]

    /// Creates a resolver over an environment (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The secret's value, trimmed of surrounding whitespace; the error never contains the value.
    public func resolve(_ reference: SecretReference) throws(SecretResolutionError) -> String {
        let raw: String
        switch reference {
        case .file(let path):
            do {
                raw = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw SecretResolutionError(message: "cannot read secret \(reference): \(error.localizedDescription)")
            }
        case .environment(let name):
            guard let value = environment[name] else {
                throw SecretResolutionError(message: "secret \(reference) is not set")
            }
            raw = value
        }
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw SecretResolutionError(message: "secret \(reference) is empty") }
        return value
    }
}

/// A secret could not be read; the message says where from, never the value.
public struct SecretResolutionError: Error, Sendable, CustomStringConvertible {
    /// What failed.
    public let message: String
    public var description: String { message }
}
