/// Real Alertmanager peers on 127.0.0.1 forming one HA cluster by gossip, every peer configured alike (one
/// route to one webhook receiver), as an HA pair or trio is deployed.
///
/// Alertmanager does not share alerts between peers, only its notification log and silences: Prometheus posts
/// every alert to every peer (``postAlerts(_:toPeer:)`` with `nil`). Every peer flushes its groups on its own and
/// waits `position × peerTimeout` before sending; a peer whose notification-log entry from another peer shows the
/// notification already sent skips it. ``peers`` is ordered by position, so `peers[p]` waits
/// ``sendDelay(ofPeer:)`` = `p × peerTimeout`.
///
/// With one peer, clustering is disabled (`--cluster.listen-address=`) and the peer sends without waiting.
public final class AlertmanagerCluster: Sendable {
    /// The peers ordered by cluster position (the rank of their gossip names, as Alertmanager computes it).
    public let peers: [AlertmanagerProcess]
    /// The settings every peer runs with.
    public let settings: AlertmanagerSettings

    private init(peers: [AlertmanagerProcess], settings: AlertmanagerSettings) {
        self.peers = peers
        self.settings = settings
    }

    /// `--cluster.peer-timeout`: the wait per position before a peer sends.
    public var peerTimeout: Duration { settings.peerTimeout }

    /// How long the peer at `position` waits after the start of a flush before it sends (0 for position 0 and
    /// for a single, unclustered peer).
    public func sendDelay(ofPeer position: Int) -> Duration {
        peers.count > 1 ? peerTimeout * position : .zero
    }

    /// Starts `peerCount` peers, each with its own ports, storage and log in `directory` (`alertmanager-0` …),
    /// waits until every one answers `/-/ready` and, for a cluster, until every peer's `/api/v2/status` shows
    /// gossip settled and all `peerCount` members. On failure every peer started is stopped.
    ///
    /// The ports are the kernel's free ones of a moment before the peers bind them; when another program took one
    /// meanwhile (tests run in parallel), the start is tried again with new ports, up to three times.
    public static func start(
        peerCount: Int, settings: AlertmanagerSettings, in directory: TemporaryDirectory
    ) async throws -> AlertmanagerCluster {
        try await AlertmanagerError.retryingPortClashes {
            try await startOnce(peerCount: peerCount, settings: settings, in: directory)
        }
    }

    private static func startOnce(
        peerCount: Int, settings: AlertmanagerSettings, in directory: TemporaryDirectory
    ) async throws -> AlertmanagerCluster {
        precondition(peerCount >= 1, "a cluster needs at least one peer")
        var webPorts: [UInt16] = []
        var clusterPorts: [UInt16] = []
        for _ in 0..<peerCount {
            webPorts.append(try FreePort.next())
            clusterPorts.append(try FreePort.next())
        }
        var started: [AlertmanagerProcess] = []
        do {
            for index in 0..<peerCount {
                let others = clusterPorts.enumerated().filter { $0.offset != index }.map(\.element)
                started.append(
                    try AlertmanagerProcess(
                        settings: settings, directory: directory, name: "alertmanager-\(index)",
                        webPort: webPorts[index],
                        cluster: peerCount > 1 ? (listenPort: clusterPorts[index], peerPorts: others) : nil))
            }
            for peer in started { try await peer.waitUntilReady(timeout: settings.startTimeout) }
            guard peerCount > 1 else { return AlertmanagerCluster(peers: started, settings: settings) }
            let positions = try await waitUntilFormed(started, timeout: settings.startTimeout)
            let ordered = zip(started, positions).sorted { $0.1 < $1.1 }.map(\.0)
            return AlertmanagerCluster(peers: ordered, settings: settings)
        } catch {
            for peer in started { await peer.stop() }
            throw error
        }
    }

    /// Starts a cluster, runs `body` with it and stops every peer on every path, thrown errors included. An error
    /// thrown by `body` comes back as an ``AlertmanagerError`` that adds the end of every peer's log.
    public static func run<Value: Sendable>(
        peerCount: Int, settings: AlertmanagerSettings, in directory: TemporaryDirectory,
        _ body: (AlertmanagerCluster) async throws -> Value
    ) async throws -> Value {
        let cluster = try await start(peerCount: peerCount, settings: settings, in: directory)
        do {
            let result = try await body(cluster)
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw AlertmanagerError("\(error)\n\(cluster.output(lastCharactersPerPeer: 4000))")
        }
    }

    /// Polls every peer's status until each has settled and knows all peers; returns each peer's position.
    private static func waitUntilFormed(_ peers: [AlertmanagerProcess], timeout: Duration) async throws -> [Int] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var statuses: [AlertmanagerPeerStatus] = []
        while ContinuousClock.now < deadline {
            statuses = []
            for peer in peers {
                guard peer.isRunning else {
                    throw AlertmanagerError("Alertmanager on port \(peer.webPort) exited:\n\(peer.output.suffix(3000))")
                }
                if let status = try? await peer.status() { statuses.append(status) }
            }
            let formed =
                statuses.count == peers.count
                && statuses.allSatisfy { $0.clusterStatus == "ready" && Set($0.memberNames).count == peers.count }
            if formed, Set(statuses.map(\.position)) == Set(0..<peers.count) { return statuses.map(\.position) }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw AlertmanagerError(
            "the \(peers.count) Alertmanager peers did not form a cluster within \(timeout); last statuses: "
                + "\(statuses)\n\(peers.map { $0.output.suffix(1500) }.joined(separator: "\n---\n"))")
    }

    /// Posts alerts to the peer at `position`, or to every peer in position order when `nil` (as one Prometheus
    /// configured with all the peers does).
    public func postAlerts(_ alerts: [PostedAlert], toPeer position: Int? = nil) async throws {
        if let position {
            try await peers[position].postAlerts(alerts)
        } else {
            for peer in peers { try await peer.postAlerts(alerts) }
        }
    }

    /// Every peer's webhook counters, in position order.
    public func notificationCounts() async throws -> [AlertmanagerNotificationCounts] {
        var counts: [AlertmanagerNotificationCounts] = []
        for peer in peers { counts.append(try await peer.notificationCounts()) }
        return counts
    }

    /// The end of every peer's log, labelled with its position and URL, for a failure report.
    public func output(lastCharactersPerPeer limit: Int = 4000) -> String {
        peers.enumerated().map { position, peer in
            "--- alertmanager peer \(position) (\(peer.url)) ---\n\(peer.output.suffix(limit))"
        }.joined(separator: "\n")
    }

    /// Stops every peer by PID.
    public func stop() async {
        for peer in peers { await peer.stop() }
    }
}
