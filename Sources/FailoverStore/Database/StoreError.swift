/// A failure of the state store.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case cannotOpen
        case queryFailed
        case backupFailed
    }

    private let code: Code
    /// What failed, for the operator.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The database could not be opened, created or migrated.
    public static func cannotOpen(_ path: String, reason: String) -> Self {
        .init(.cannotOpen, "cannot open the state database \(path): \(reason)")
    }

    /// A backup copy could not be written; nothing is left at `path` that was not there before.
    public static func backupFailed(_ path: String, reason: String) -> Self {
        .init(.backupFailed, "cannot write the backup \(path): \(reason)")
    }

    /// A read failed.
    public static func queryFailed(_ reason: String) -> Self { .init(.queryFailed, "database query failed: \(reason)") }

    public var description: String { message }
}
