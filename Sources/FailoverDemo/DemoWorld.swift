import FailoverTestSupport
import Foundation
import Logging

/// Everything the demo runs: two probe targets, the fake providers, failoverd, one Alertmanager, Prometheus.
final class DemoWorld: @unchecked Sendable {
    static let webhookToken = "demo-webhook-token"
    static let providerToken = "demo-provider-token"

    let directory: TemporaryDirectory
    let primary: ProbeTarget
    let secondary: ProbeTarget
    let linode: FakeDNSProviderServer
    let digitalOcean: FakeDNSProviderServer
    private(set) var failoverd: ChildProcess?
    private(set) var failoverdPort: UInt16 = 0
    private(set) var alertmanager: AlertmanagerCluster?
    private(set) var prometheus: ChildProcess?
    private(set) var prometheusPort: UInt16 = 0

    var alertmanagerPort: UInt16 { alertmanager?.peers.first?.webPort ?? 0 }

    init() throws {
        directory = try TemporaryDirectory(prefix: "failoverd-demo")
        primary = try ProbeTarget()
        secondary = try ProbeTarget()
        let quiet = Logger(label: "fake", factory: { _ in SwiftLogNoOpLogHandler() })
        linode = FakeDNSProviderServer(flavor: .linode, token: Self.providerToken, logger: quiet)
        digitalOcean = FakeDNSProviderServer(flavor: .digitalOcean, token: Self.providerToken, logger: quiet)
    }

    /// Starts everything, in the order data flows back to front.
    func start() async throws {
        for binary in ["/usr/bin/prometheus", "/usr/bin/prometheus-alertmanager"]
        where !FileManager.default.isExecutableFile(atPath: binary) {
            throw DemoError(
                "\(binary) is missing: `make demo` installs the prometheus and prometheus-alertmanager packages")
        }
        try linode.start()
        try digitalOcean.start()
        linode.addZone("example.com")
        _ = linode.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.1", ttl: 30)
        digitalOcean.addZone("example.org")
        _ = digitalOcean.addRecord(zone: "example.org", name: "app", type: "A", target: "192.0.2.2", ttl: 60)
        try primary.start()
        try secondary.start()
        try startFailoverd()
        let settings = AlertmanagerSettings(
            webhookURL: "http://127.0.0.1:\(failoverdPort)/webhook",
            bearerCredentialsFile: directory.file("webhook-token"), receiverName: "failoverd",
            groupBy: ["alertname", "region"], groupWait: .seconds(1), groupInterval: .seconds(1),
            repeatInterval: .seconds(5))
        alertmanager = try await AlertmanagerCluster.start(peerCount: 1, settings: settings, in: directory)
        try startPrometheus()
    }

    private func startFailoverd() throws {
        try directory.write("webhook-token", Self.webhookToken + "\n")
        try directory.write("provider-token", Self.providerToken + "\n")
        for file in ["webhook-token", "provider-token"] {
            chmod(directory.file(file), 0o600)
        }
        let config = try directory.write(
            "failoverd.yml",
            """
            server:
              auth:
                webhook: {bearer_token_file: webhook-token}
            ingest:
              reopen_window: 2s
            engine:
              poll_interval: 100ms
            providers:
              linode-main: {type: linode, token_file: provider-token, base_url: "\(linode.baseURL)"}
              do-main: {type: digitalocean, token_file: provider-token, base_url: "\(digitalOcean.baseURL)"}
            runbooks:
            \(RegionalFailoverRunbook.yaml(secondaryURL: secondary.url, hold: "5s"))

            """)
        chmod(config, 0o600)
        failoverdPort = try FreePort.next()
        failoverd = try ChildProcess(
            executable: PackagePaths.failoverdBinary,
            arguments: [
                "serve", "--config.file", config, "--web.listen-address", "127.0.0.1:\(failoverdPort)",
                "--storage.path", directory.file("failoverd.db"), "--log.level", "warning",
            ], directory: directory.path, logPath: directory.file("failoverd.log"))
    }

    private func startPrometheus() throws {
        try directory.write("rules.yml", RegionalFailoverRunbook.prometheusRules)
        try directory.write(
            "prometheus.yml",
            """
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            rule_files: [\(directory.file("rules.yml"))]
            alerting:
              alertmanagers:
                - static_configs: [{targets: ["127.0.0.1:\(alertmanagerPort)"]}]
            scrape_configs:
              - job_name: app_primary
                scrape_timeout: 900ms
                static_configs: [{targets: ["127.0.0.1:\(primary.port)"], labels: {region: us-east}}]
            """)
        prometheusPort = try FreePort.next()
        prometheus = try ChildProcess(
            executable: "/usr/bin/prometheus",
            arguments: [
                "--config.file=\(directory.file("prometheus.yml"))", "--storage.tsdb.path=\(directory.file("tsdb"))",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ], directory: directory.path, logPath: directory.file("prometheus.log"))
    }

    /// Stops everything it started, front to back.
    func stop() async {
        await prometheus?.stop()
        await alertmanager?.stop()
        await failoverd?.stop()
        await primary.stop()
        await secondary.stop()
        await linode.stop()
        await digitalOcean.stop()
    }

    /// The end of each log, for a failure.
    func logTails() -> String {
        var text = ""
        for (name, process) in [("failoverd", failoverd), ("prometheus", prometheus)] {
            if let process { text += "--- \(name) log:\n\(process.output.suffix(2000))\n" }
        }
        return text + (alertmanager?.output(lastCharactersPerPeer: 2000) ?? "")
    }
}

/// A reason the demo stopped.
struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
