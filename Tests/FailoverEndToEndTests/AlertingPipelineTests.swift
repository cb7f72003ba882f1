import FailoverHTTPServer
import FailoverTestSupport
import Foundation
import Logging
import Testing

/// Real Prometheus 2.42 and Alertmanager 0.25 (Debian) on loopback drive failoverd: a scraped target goes down,
/// the rule fires, Alertmanager posts the webhook (with a bearer token), failoverd opens the episode; the target
/// comes back and the episode closes.
@Suite("Prometheus → Alertmanager → failoverd", .serialized)
struct AlertingPipelineTests {
    static let prometheus = "/usr/bin/prometheus"
    static let alertmanager = "/usr/bin/prometheus-alertmanager"

    @Test("a target goes down, the episode opens; it comes back, the episode closes", .timeLimit(.minutes(2)))
    func outageOpensAndClosesEpisode() async throws {
        for binary in [Self.prometheus, Self.alertmanager] where !FileManager.default.isExecutableFile(atPath: binary) {
            Issue.record(
                "\(binary) is missing: `make test` installs the prometheus and prometheus-alertmanager packages")
            return
        }
        let directory = try TemporaryDirectory(prefix: "failoverd-e2e")
        defer { directory.remove() }

        // The scraped application: an in-process server on a fixed port so it can come back on the same address.
        let targetPort = try FreePort.next()
        var target: HTTPServer? = try Self.startTarget(port: targetPort)

        // failoverd, requiring the bearer token that Alertmanager sends.
        try directory.write("webhook-token", "e2e-token-123\n")
        let config = try directory.write(
            "failoverd.yml",
            """
            server:
              auth:
                webhook:
                  bearer_token_file: webhook-token
            """)
        let failoverd = try await ServeProcess(directory: directory, extraArguments: ["--config.file", config])

        let alertmanagerPort = try FreePort.next()
        try directory.write(
            "alertmanager.yml",
            """
            route:
              receiver: failoverd
              group_by: [alertname, region]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: failoverd
                webhook_configs:
                  - url: http://127.0.0.1:\(failoverd.port)/webhook
                    send_resolved: true
                    http_config:
                      authorization:
                        type: Bearer
                        credentials_file: \(directory.file("webhook-token"))
            """)
        let alertmanager = try ChildProcess(
            executable: Self.alertmanager,
            arguments: [
                "--config.file=\(directory.file("alertmanager.yml"))", "--storage.path=\(directory.file("am-data"))",
                "--web.listen-address=127.0.0.1:\(alertmanagerPort)", "--cluster.listen-address=",
            ], directory: directory.path, logPath: directory.file("alertmanager.log"))

        let prometheusPort = try FreePort.next()
        try directory.write("rules.yml", RegionalFailoverRunbook.prometheusRules)
        try directory.write(
            "prometheus.yml",
            """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [\(directory.file("rules.yml"))]
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ["127.0.0.1:\(alertmanagerPort)"]
            scrape_configs:
              - job_name: app_primary
                scrape_timeout: 500ms
                static_configs:
                  - targets: ["127.0.0.1:\(targetPort)"]
                    labels:
                      region: us-east
            """)
        let prometheus = try ChildProcess(
            executable: Self.prometheus,
            arguments: [
                "--config.file=\(directory.file("prometheus.yml"))", "--storage.tsdb.path=\(directory.file("tsdb"))",
                "--web.listen-address=127.0.0.1:\(prometheusPort)",
            ], directory: directory.path, logPath: directory.file("prometheus.log"))

        func stopAll() async {
            await prometheus.stop()
            await alertmanager.stop()
            await failoverd.process.stop()
            await target?.shutdown(gracePeriod: .seconds(1))
        }

        do {
            // Let Prometheus scrape the healthy target a few times.
            try await Task.sleep(for: .seconds(4))
            #expect(try await Self.episodes(port: failoverd.port, state: "firing").isEmpty)

            // Outage.
            await target?.shutdown(gracePeriod: .seconds(1))
            target = nil
            let firing = try await Self.waitForEpisode(port: failoverd.port, state: "firing", within: .seconds(30))
            #expect(firing["alertname"] as? String == "PrimaryRegionUnhealthy")
            #expect((firing["labels"] as? [String: String])?["region"] == "us-east")
            let deliveries = try await TestHTTP.send(port: failoverd.port, "GET", "/api/v1/deliveries").json()
            let first = (deliveries["deliveries"] as? [[String: Any]])?.last
            #expect(first?["authenticatedAs"] as? String == "bearer")
            #expect(first?["receiver"] as? String == "failoverd")

            // Recovery.
            target = try Self.startTarget(port: targetPort)
            let resolved = try await Self.waitForEpisode(port: failoverd.port, state: "resolved", within: .seconds(30))
            #expect(resolved["id"] as? Int == firing["id"] as? Int)
            #expect(try await Self.episodes(port: failoverd.port, state: "firing").isEmpty)
            #expect(try await Self.episodes(port: failoverd.port, state: nil).count == 1)
        } catch {
            Issue.record(
                """
                \(error)
                --- failoverd ---
                \(failoverd.process.output.suffix(3000))
                --- alertmanager ---
                \(alertmanager.output.suffix(3000))
                --- prometheus ---
                \(prometheus.output.suffix(2000))
                """)
        }
        await stopAll()
    }

    static func startTarget(port: UInt16) throws -> HTTPServer {
        var router = HTTPRouter()
        router.on(.get, "/metrics") { _ in
            .text("# TYPE app_requests_total counter\napp_requests_total 1\n", contentType: "text/plain; version=0.0.4")
        }
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: "127.0.0.1", port: port), router: router,
            logger: Logger(label: "e2e-target", factory: { _ in SwiftLogNoOpLogHandler() }))
        try server.start()
        return server
    }

    static func episodes(port: UInt16, state: String?) async throws -> [[String: Any]] {
        let query = state.map { "?state=\($0)" } ?? ""
        let response = try await TestHTTP.send(port: port, "GET", "/api/v1/episodes" + query)
        return try response.json()["episodes"] as? [[String: Any]] ?? []
    }

    static func waitForEpisode(port: UInt16, state: String, within timeout: Duration) async throws -> [String: Any] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if let episode = try await episodes(port: port, state: state).first { return episode }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw EndToEndError("no \(state) episode within \(timeout)")
    }
}
