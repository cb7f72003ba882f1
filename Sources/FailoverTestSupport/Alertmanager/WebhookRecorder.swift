import FailoverCore
import FailoverHTTPServer
import Logging
import Synchronization

/// A webhook receiver in the test process that answers every `POST` with 200 and keeps every request with its
/// arrival time, so a test sees exactly what Alertmanager sends, in order.
///
/// It listens on 127.0.0.1 on a port the kernel chose; point ``AlertmanagerSettings/webhookURL`` (or a mirror
/// URL beside the receiver under test) at ``url``.
public final class WebhookRecorder: Sendable {
    private let server: HTTPServer
    private let log: NotificationLog

    /// The path it records at (any other path is recorded too; this one is what ``url`` names).
    public static let path = "/webhook"

    /// Starts listening.
    public init() throws {
        let log = NotificationLog()
        var router = HTTPRouter()
        // Answered on the polling thread: with the test process's concurrency pool busy (the sanitizer runs), an
        // answer waiting for the pool held Alertmanager's notifications back for 37 s once, past the test's window.
        let record: HTTPPollingThreadHandler = { request, responder in
            log.append(path: request.path, authorization: request.headers["Authorization"], body: request.body)
            responder.respond(.text("ok\n"))
        }
        router.onPollingThread(.post, Self.path, handler: record)
        router.onPollingThread(.post, "/{path}", handler: record)
        server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), router: router,
            logger: Logger(label: "webhook-recorder", factory: { _ in SwiftLogNoOpLogHandler() }))
        self.log = log
        try server.start()
    }

    /// Where to send webhooks: `http://127.0.0.1:<port>/webhook`.
    public var url: String { "http://127.0.0.1:\(server.port)\(Self.path)" }

    /// The port it listens on.
    public var port: UInt16 { server.port }

    /// Every request so far, in arrival order.
    public var notifications: [RecordedNotification] { log.notifications }

    /// Every alert of every notification so far, in arrival order; only those named `alertname` when given.
    public func alerts(named alertname: String? = nil) -> [RecordedAlert] {
        notifications.flatMap(\.alerts).filter { alertname == nil || $0.alertname == alertname }
    }

    /// Waits until the alerts named `alertname` satisfy `condition` and returns them; throws after `timeout`
    /// with `expectation` and the sequence seen so far.
    @discardableResult
    public func waitForAlerts(
        named alertname: String, within timeout: Duration, until expectation: String,
        _ condition: ([RecordedAlert]) -> Bool
    ) async throws -> [RecordedAlert] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let alerts = alerts(named: alertname)
            if condition(alerts) { return alerts }
            guard ContinuousClock.now < deadline else {
                throw AlertmanagerError(
                    "\(alertname): not \(expectation) within \(timeout); received:\n\(alerts.listing)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits until the alerts named `alertname` contain `steps` in order (anything allowed between them) and
    /// returns the sequence and the indices of the match.
    public func waitForSequence(
        named alertname: String, within timeout: Duration, _ expectation: String,
        _ steps: [(RecordedAlert) -> Bool]
    ) async throws -> (alerts: [RecordedAlert], indices: [Int]) {
        let alerts = try await waitForAlerts(named: alertname, within: timeout, until: expectation) {
            $0.indices(matchingInOrder: steps) != nil
        }
        return (alerts, alerts.indices(matchingInOrder: steps)!)
    }

    /// Stops listening (requests in flight are still answered).
    public func shutdown() async {
        await server.shutdown(gracePeriod: .seconds(2))
    }
}

/// The recorder's requests, appended from the server's handlers.
private final class NotificationLog: Sendable {
    private let entries = Mutex<[RecordedNotification]>([])

    func append(path: String, authorization: String?, body: [UInt8]) {
        let receivedAt = Timestamp.wallClock()
        entries.withLock { entries in
            entries.append(
                RecordedNotification(
                    index: entries.count, receivedAt: receivedAt, path: path, authorization: authorization, body: body))
        }
    }

    var notifications: [RecordedNotification] { entries.withLock { $0 } }
}
