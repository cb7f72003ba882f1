import FailoverHTTPServer
import Logging
import Synchronization

/// An in-process HTTP endpoint on 127.0.0.1 that stands for one side of a failover: the primary that Prometheus
/// scrapes (`GET /metrics`) or the secondary that a runbook's `http_check` probes (`GET /healthz`). It answers
/// 200 on both paths and counts the requests per path, so a test can tell that a scrape or a check really reached
/// it.
///
/// It can be stopped and started again on the same port (``stop()``, ``start()``), as an outage and a recovery
/// look to whoever polls it; the counts survive a restart.
public final class ProbeTarget: Sendable {
    /// The port it listens on (fixed at creation, so that it comes back on the same address).
    public let port: UInt16
    private let hits = Mutex<[String: Int]>([:])
    private let server = Mutex<HTTPServer?>(nil)

    /// Creates a target on `port`, or on a free port the kernel chose a moment ago when `nil`; nothing listens until
    /// ``start()``.
    public init(port: UInt16? = nil) throws {
        self.port = try port ?? FreePort.next()
    }

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Whether it listens now.
    public var isRunning: Bool { server.withLock { $0 != nil } }

    /// Starts listening (a no-op when it already does).
    public func start() throws {
        try server.withLock { current in
            guard current == nil else { return }
            // Answered on the polling thread: a test process whose concurrency pool is busy for seconds must not
            // look like an outage to Prometheus (three scrapes past their 900 ms timeout fired the alert once).
            var router = HTTPRouter()
            router.onPollingThread(.get, "/metrics") { [weak self] _, responder in
                self?.count("/metrics")
                responder.respond(
                    .text(
                        "# TYPE app_requests_total counter\napp_requests_total 1\n",
                        contentType: "text/plain; version=0.0.4"))
            }
            router.onPollingThread(.get, "/healthz") { [weak self] _, responder in
                self?.count("/healthz")
                responder.respond(.text("ok\n"))
            }
            let started = HTTPServer(
                configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port), router: router,
                logger: Logger(label: "probe-target", factory: { _ in SwiftLogNoOpLogHandler() }))
            try started.start()
            current = started
        }
    }

    /// Stops listening: later requests are refused at connect (a no-op when it is stopped).
    public func stop() async {
        let running = server.withLock { current -> HTTPServer? in
            defer { current = nil }
            return current
        }
        await running?.shutdown(gracePeriod: .seconds(1))
    }

    private func count(_ path: String) {
        hits.withLock { $0[path, default: 0] += 1 }
    }

    /// Requests answered on `path` (`/metrics`, `/healthz`) since creation.
    public func requestCount(_ path: String) -> Int {
        hits.withLock { $0[path] ?? 0 }
    }
}
