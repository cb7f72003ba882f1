import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One real Alertmanager on 127.0.0.1, on ports the kernel chose, with its own storage and configuration file,
/// driven through its HTTP API as Prometheus drives it. Stopped by PID with ``stop()``; a peer dropped while it
/// still runs is killed.
///
/// For several peers forming one HA cluster use ``AlertmanagerCluster``.
public final class AlertmanagerProcess: Sendable {
    /// The running program.
    public let process: ChildProcess
    /// The HTTP port (API, `/metrics`, `/-/ready`).
    public let webPort: UInt16
    /// The gossip port (TCP and UDP); `nil` when clustering is disabled.
    public let clusterPort: UInt16?
    /// The configuration file it reads.
    public let configurationPath: String
    /// Its storage folder (notification log, silences).
    public let storagePath: String

    /// Starts a single Alertmanager with clustering disabled (it sends without waiting) and waits until it answers
    /// `/-/ready`. Its files are named after `name` in `directory`.
    public static func start(
        settings: AlertmanagerSettings, in directory: TemporaryDirectory, name: String = "alertmanager"
    ) async throws -> AlertmanagerProcess {
        try await AlertmanagerError.retryingPortClashes {
            let peer = try AlertmanagerProcess(
                settings: settings, directory: directory, name: name, webPort: try FreePort.next(), cluster: nil)
            do {
                try await peer.waitUntilReady(timeout: settings.startTimeout)
            } catch {
                await peer.stop()
                throw error
            }
            return peer
        }
    }

    /// Starts a single Alertmanager, runs `body` with it and stops it on every path, thrown errors included. An
    /// error thrown by `body` comes back as an ``AlertmanagerError`` that adds the end of the peer's log.
    public static func run<Value: Sendable>(
        settings: AlertmanagerSettings, in directory: TemporaryDirectory, name: String = "alertmanager",
        _ body: (AlertmanagerProcess) async throws -> Value
    ) async throws -> Value {
        let peer = try await start(settings: settings, in: directory, name: name)
        do {
            let result = try await body(peer)
            await peer.stop()
            return result
        } catch {
            await peer.stop()
            throw AlertmanagerError("\(error)\n--- alertmanager (\(peer.url)) ---\n\(peer.output.suffix(4000))")
        }
    }

    /// Launches the program; `cluster` gives its gossip port and the other peers' gossip ports.
    init(
        settings: AlertmanagerSettings, directory: TemporaryDirectory, name: String, webPort: UInt16,
        cluster: (listenPort: UInt16, peerPorts: [UInt16])?
    ) throws {
        self.webPort = webPort
        clusterPort = cluster?.listenPort
        configurationPath = try directory.write("\(name).yml", settings.configurationText)
        storagePath = directory.file("\(name)-data")
        var arguments = [
            "--config.file=\(configurationPath)", "--storage.path=\(storagePath)",
            "--web.listen-address=127.0.0.1:\(webPort)", "--web.external-url=http://127.0.0.1:\(webPort)",
            "--log.level=debug",
        ]
        if let cluster {
            arguments += [
                "--cluster.listen-address=127.0.0.1:\(cluster.listenPort)",
                "--cluster.advertise-address=127.0.0.1:\(cluster.listenPort)",
                "--cluster.peer-timeout=\(AlertmanagerSettings.goDuration(settings.peerTimeout))",
            ]
            arguments += cluster.peerPorts.map { "--cluster.peer=127.0.0.1:\($0)" }
            arguments += Self.loopbackClusterArguments
        } else {
            arguments.append("--cluster.listen-address=")
        }
        process = try ChildProcess(
            executable: settings.executable, arguments: arguments, directory: directory.path,
            logPath: directory.file("\(name).log"))
    }

    deinit {
        if process.isRunning { process.signal(SIGKILL) }
    }

    /// Gossip settings that let a cluster on loopback form and agree within about a second instead of a minute:
    /// gossip every 50 ms (and so a settle check every 500 ms, three stable checks to settle), a full state sync
    /// every second, reconnects to a peer that was not up yet every second, and at most 10 s to settle. None of
    /// them changes how a peer flushes or waits before it sends.
    public static let loopbackClusterArguments = [
        "--cluster.gossip-interval=50ms", "--cluster.pushpull-interval=1s", "--cluster.reconnect-interval=1s",
        "--cluster.settle-timeout=10s",
    ]

    /// The base URL, which is also the `externalURL` of every webhook this peer sends: it names the sender.
    public var url: String { "http://127.0.0.1:\(webPort)" }

    /// Whether the program still runs.
    public var isRunning: Bool { process.isRunning }

    /// What it has logged so far (debug level: every flush and every notification attempt).
    public var output: String { process.output }

    /// Waits until `/-/ready` answers 200; throws if the program exits or `timeout` passes first.
    public func waitUntilReady(timeout: Duration) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let response = try? await TestHTTP.send(port: webPort, "GET", "/-/ready"), response.status == 200 {
                return
            }
            guard isRunning else {
                throw AlertmanagerError("Alertmanager on port \(webPort) exited:\n\(output.suffix(3000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw AlertmanagerError("Alertmanager on port \(webPort) not ready within \(timeout):\n\(output.suffix(3000))")
    }

    /// Reads `GET /api/v2/status`'s cluster part.
    public func status() async throws -> AlertmanagerPeerStatus {
        let response = try await TestHTTP.send(port: webPort, "GET", "/api/v2/status")
        guard response.status == 200, let status = AlertmanagerPeerStatus(statusJSON: try response.json()) else {
            throw AlertmanagerError("Alertmanager on port \(webPort): status \(response.status): \(response.text)")
        }
        return status
    }

    /// Posts alerts to `POST /api/v2/alerts` as Prometheus does; throws unless Alertmanager answers 200.
    public func postAlerts(_ alerts: [PostedAlert]) async throws {
        let response = try await TestHTTP.postJSON(port: webPort, "/api/v2/alerts", try PostedAlert.requestBody(alerts))
        guard response.status == 200 else {
            throw AlertmanagerError(
                "Alertmanager on port \(webPort) refused alerts: \(response.status) \(response.text)")
        }
    }

    /// Reads the webhook integration's counters from `/metrics`.
    public func notificationCounts() async throws -> AlertmanagerNotificationCounts {
        let response = try await TestHTTP.send(port: webPort, "GET", "/metrics")
        guard response.status == 200 else {
            throw AlertmanagerError("Alertmanager on port \(webPort): /metrics answered \(response.status)")
        }
        return AlertmanagerNotificationCounts(metricsText: response.text)
    }

    /// Stops the program by PID: SIGTERM, SIGKILL if it has not exited after `grace`. A clustered peer leaving
    /// the mesh waits for its leave message; a short grace bounds that.
    public func stop(grace: Duration = .seconds(5)) async {
        await process.stop(grace: grace)
    }
}
