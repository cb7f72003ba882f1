import GRDBSQLite

/// The memory SQLite's own allocator accounts for, over every connection of the process: page caches, prepared
/// statements, schemas and scratch space.
public enum SQLiteMemory {
    /// Bytes SQLite holds now (`sqlite3_memory_used`).
    public static var inUse: Int64 { Int64(sqlite3_memory_used()) }
}
