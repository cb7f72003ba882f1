/// A runbook step's process could not be started: an empty argument vector, no such file, a file that is not
/// executable, a name not found in the request's `PATH`, a missing working directory, or a refused spawn.
///
/// The message names the command and the reason; it never contains environment values (they may be secrets).
public struct ProcessLaunchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, for a log line or an audit entry.
    public var message: String

    /// The message.
    public var description: String { message }

    /// Creates an error with `message`.
    public init(message: String) {
        self.message = message
    }
}
