import GRDB

/// Connections that tests open to a database the code under test is using, as another process would.
public enum ExternalConnection {
    /// Opens a connection to the database at `path` that waits up to 5 seconds for locks.
    ///
    /// Without the wait, opening fails at random: in WAL mode a connection that reads the log's index while
    /// the writer is updating it can find the database locked for an instant (`SQLITE_BUSY`), and GRDB reads
    /// the schema as it opens.
    public static func open(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
