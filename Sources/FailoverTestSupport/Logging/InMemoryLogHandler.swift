import Logging
import Synchronization

/// A swift-log handler that keeps every entry in memory, so tests can assert what was logged.
public struct InMemoryLogHandler: LogHandler {
    /// One logged entry.
    public struct Entry: Sendable {
        /// The level.
        public var level: Logger.Level
        /// The message text.
        public var message: String
        /// Metadata, rendered as text.
        public var metadata: [String: String]
    }

    /// Where the entries go; share one between handlers and the test.
    public final class Store: Sendable {
        private let entries = Mutex<[Entry]>([])

        /// Creates an empty store.
        public init() {}

        /// Everything logged so far.
        public var all: [Entry] { entries.withLock { $0 } }

        func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    }

    private let store: Store
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    /// Creates a handler writing into `store`.
    public init(store: Store) {
        self.store = store
    }

    /// A logger that records into a fresh store; returns both.
    public static func logger(label: String = "test") -> (Logger, Store) {
        let store = Store()
        return (Logger(label: label) { _ in InMemoryLogHandler(store: store) }, store)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var rendered: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            rendered[key] = "\(value)"
        }
        store.append(Entry(level: event.level, message: event.message.description, metadata: rendered))
    }
}
