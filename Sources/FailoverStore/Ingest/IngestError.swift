/// Why a webhook was not committed. The sender should retry: the service answers 503 when the storage refused
/// (``isStorageWide``), 500 when this delivery alone failed.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case overloaded
        case shuttingDown
        case commitFailed
        case deliveryFailed
    }

    private let code: Code
    /// What happened, for the sender and the log.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Too many webhooks already wait for a commit.
    public static func overloaded(pending: Int) -> Self {
        .init(.overloaded, "ingest queue is full (\(pending) webhooks waiting); retry later")
    }

    /// The service is stopping and takes no more writes.
    public static var shuttingDown: Self { .init(.shuttingDown, "the service is shutting down; retry later") }

    /// The transaction could not be committed (database locked, disk full, I/O error); nothing was stored.
    public static func commitFailed(_ reason: String) -> Self {
        .init(.commitFailed, "the webhook could not be stored durably: \(reason)")
    }

    /// This delivery could not be stored (its own statements failed; the rest of its batch was stored); nothing of
    /// it was stored.
    public static func deliveryFailed(_ reason: String) -> Self {
        .init(.deliveryFailed, "the webhook could not be stored: \(reason)")
    }

    /// Whether the storage refused (queue full, stopping, commit failed), rather than this delivery alone.
    public var isStorageWide: Bool { code != .deliveryFailed }

    /// A short machine-readable word for the kind of failure.
    public var reason: String {
        switch code {
        case .overloaded: "overloaded"
        case .shuttingDown: "shutting_down"
        case .commitFailed: "storage_unavailable"
        case .deliveryFailed: "delivery_failed"
        }
    }

    public var description: String { message }
}
