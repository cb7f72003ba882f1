import FailoverCore
import FailoverStore
import FailoverTestSupport
import Foundation
import GRDB
import Testing

@Suite("Write-ahead log: copied into the database without growing")
struct WriteAheadLogTests {
    /// Size in bytes of a file, 0 when it does not exist.
    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// A distinct firing alert per index, so that every delivery opens an episode and writes fresh pages.
    static func delivery(_ index: Int) -> PreparedDelivery {
        Deliveries.prepared(Deliveries.alert(.firing, fingerprint: String(format: "%016x", index)))
    }

    @Test("webhooks one at a time: the writer copies the log between them, so the log starts over and stays short")
    func sequentialDeliveriesKeepTheLogShort() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        for index in 0..<400 {
            _ = try await fixture.writer.submit(Self.delivery(index)).get()
        }
        #expect(try fixture.count("deliveries") == 400)
        // Without the copies the log would hold every page of 400 commits (about 16 MiB); with them it starts
        // over once it holds 1 MiB, so the file (SQLite reuses it from the start) stays a little above that.
        let logBytes = Self.fileSize(fixture.store.path + "-wal")
        #expect(logBytes > 0)
        #expect(logBytes < 2 << 20, "write-ahead log of \(logBytes) bytes")
    }

    @Test("after a burst of concurrent webhooks, the log is copied into the database file once commits stop")
    func burstIsCopiedWhenCommitsStop() async throws {
        let fixture = try StoreFixture()
        defer { fixture.close() }
        try await withThrowingTaskGroup { group in
            for index in 0..<300 {
                group.addTask { _ = try await fixture.writer.submit(Self.delivery(index)).get() }
            }
            try await group.waitForAll()
        }
        // Every page is in the database file once the file is as long as the database the log describes.
        let external = try fixture.externalConnection()
        let expected = try await external.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
        var copied = false
        for _ in 0..<100 where !copied {
            copied = Self.fileSize(fixture.store.path) >= expected
            if !copied { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(copied, "database file \(Self.fileSize(fixture.store.path)) bytes, expected \(expected)")
        #expect(try fixture.count("deliveries") == 300)
    }
}
