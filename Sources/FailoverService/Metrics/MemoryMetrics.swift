import CHeapStatistics
import FailoverStore
import Prometheus

/// Where the process's heap goes, read at each scrape: what the C allocator has handed out, what it keeps freed,
/// and SQLite's share. Resident memory alone cannot tell a leak (allocated bytes climbing) from an allocator
/// keeping freed pages (free bytes climbing) or caches filling (SQLite's bytes climbing towards their cap). glibc
/// counts the freed chunks its per-thread caches (tcache) hold as handed out: the allocated bytes climb slowly,
/// towards a bound, as threads meet new sizes (a soak with `GLIBC_TUNABLES=glibc.malloc.tcache_count=0` shows them
/// flat outside SQLite).
final class MemoryMetrics: Sendable {
    private let allocated: Gauge
    private let free: Gauge
    private let sqlite: Gauge

    init(registry: PrometheusCollectorRegistry) {
        allocated = registry.makeGauge(
            descriptor: .named(
                "failoverd_heap_allocated_bytes",
                help:
                    "Bytes the C allocator has handed out and not taken back (all arenas and large mappings; "
                    + "glibc's per-thread caches of freed chunks count as handed out)."))
        free = registry.makeGauge(
            descriptor: .named(
                "failoverd_heap_free_bytes",
                help: "Bytes freed to the C allocator that it keeps in its arenas instead of returning them."))
        sqlite = registry.makeGauge(
            descriptor: .named(
                "failoverd_sqlite_memory_bytes",
                help: "Bytes SQLite holds over all connections: page caches, statements, schemas."))
    }

    /// Reads the allocator's statistics (it walks every arena) and SQLite's counter.
    func update() {
        let heap = failoverd_heap_statistics()
        allocated.set(Double(heap.allocated))
        free.set(Double(heap.free))
        sqlite.set(Double(SQLiteMemory.inUse))
    }
}
