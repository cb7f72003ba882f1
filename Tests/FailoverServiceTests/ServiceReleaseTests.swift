import FailoverEngine
import FailoverHTTPServer
import FailoverStore
import FailoverTestSupport
import Foundation
import Testing

@testable import FailoverService

@Suite("A stopped service lets go of its parts")
struct ServiceReleaseTests {
    @Test("after shutdown the store, writer, engine, ledger, metrics and server are freed: no reference cycle")
    func partsAreFreed() async throws {
        let parts = WeakParts()
        do {
            let fixture = try ServiceFixture()
            parts.remember(fixture.service)
            #expect(try await fixture.post(try captured("group-of-3-firing")).status == 200)
            await fixture.stop()
        }
        // The writer's and the checkpointer's threads let go of their objects when they have exited.
        try await PollingDeadline.wait(for: "every part of the stopped service to be freed", within: .seconds(60)) {
            parts.alive.isEmpty ? true : nil
        }
    }
}

/// Weak references to a service's long-lived parts.
final class WeakParts: @unchecked Sendable {
    private let lock = NSLock()
    private var references: [(name: String, reference: () -> AnyObject?)] = []

    func remember(_ service: FailoverService) {
        weak var service0 = service
        weak var store = service.store
        weak var writer = service.writer
        weak var engine = service.engine
        weak var ledger = service.ledger
        weak var metrics = service.metrics
        weak var server = service.server
        lock.withLock {
            references = [
                ("service", { service0 }), ("store", { store }), ("writer", { writer }), ("engine", { engine }),
                ("ledger", { ledger }), ("metrics", { metrics }), ("server", { server }),
            ]
        }
    }

    /// The parts still alive.
    var alive: [String] { lock.withLock { references.filter { $0.reference() != nil }.map(\.name) } }
}
