import FailoverStore
import FailoverTestSupport
import Foundation
import Logging
import Prometheus
import Testing

@testable import FailoverService

@Suite("Memory metrics: the allocator's live and free bytes, SQLite's share")
struct MemoryMetricsTests {
    /// The value of an unlabelled gauge in the exposition text.
    static func value(_ name: String, in registry: PrometheusCollectorRegistry) throws -> Double {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        let text = String(decoding: buffer, as: UTF8.self)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(name + " ") }, "\(name) missing")
        return try #require(Double(line.dropFirst(name.count + 1)), "\(line)")
    }

    @Test("a block of 32 MiB held shows in the allocated bytes, and SQLite's counter sees an open database")
    func allocatedFollowsTheHeap() throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = MemoryMetrics(registry: registry)
        let size = 32 << 20
        // Other tests allocate and free beside this one: one of a few tries must see the whole block.
        var grew = 0.0
        for _ in 0..<5 where grew < Double(size) * 0.75 {
            metrics.update()
            let before = try Self.value("failoverd_heap_allocated_bytes", in: registry)
            let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            block.initializeMemory(as: UInt8.self, repeating: 1, count: size)
            metrics.update()
            grew = max(grew, try Self.value("failoverd_heap_allocated_bytes", in: registry) - before)
            block.deallocate()
        }
        #expect(grew >= Double(size) * 0.75, "allocated grew by \(grew) bytes for a block of \(size)")
        #expect(try Self.value("failoverd_heap_free_bytes", in: registry) >= 0)

        let directory = try TemporaryDirectory(prefix: "memory-metrics")
        defer { directory.remove() }
        let store = try StateStore(path: directory.file("state.db"), logger: Logger(label: "test"))
        defer { store.close() }
        metrics.update()
        #expect(try Self.value("failoverd_sqlite_memory_bytes", in: registry) > 0)
    }
}
