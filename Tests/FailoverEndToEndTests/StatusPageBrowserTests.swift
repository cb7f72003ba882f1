import FailoverTestSupport
import Foundation
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The status page (`GET /`) of a real `failoverd serve` after one failover, read by real browsers: Debian's
/// headless Chromium (the DOM, a screenshot, and its network log: nothing fetched but the page) and w3m (the text a
/// terminal browser shows). `make test` installs both (TEST_DEPS); without them the tests are skipped, saying so.
@Suite("The status page in real browsers: headless Chromium and w3m", .serialized, .timeLimit(.minutes(3)))
struct StatusPageBrowserTests {
    static let chromium = "/usr/bin/chromium"
    static let w3m = "/usr/bin/w3m"
    static let adminToken = "status-page-admin-token"
    static let providerToken = "status-page-provider-token"

    /// `failoverd serve` with open reads (a browser sends no bearer token), an admin token, and a runbook that moved
    /// `app.example.com A` at a fake DigitalOcean from 192.0.2.10 to 198.51.100.5 on an `AppDown` alert.
    struct FailedOverService {
        let directory: TemporaryDirectory
        let serve: ServeProcess
        let execution: Int64

        var url: String { "http://127.0.0.1:\(serve.port)/" }
    }

    /// Starts the fake provider and the service, fails over once, runs `body`; stops failoverd by PID whatever
    /// happens.
    static func withFailedOverService(_ body: (FailedOverService) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-status-page")
        defer { directory.remove() }
        let fake = FakeDNSProviderServer(
            flavor: .digitalOcean, token: providerToken,
            logger: Logger(label: "fake", factory: { _ in SwiftLogNoOpLogHandler() }))
        try fake.start()
        fake.addZone("example.com")
        fake.addRecord(zone: "example.com", name: "app", type: "A", target: "192.0.2.10", ttl: 300)
        do {
            try directory.write("admin.token", adminToken + "\n")
            try directory.write("provider.token", providerToken + "\n")
            let config = try directory.write(
                "failoverd.yml",
                """
                server:
                  auth:
                    admin: {bearer_token_file: admin.token}
                providers:
                  main: {type: digitalocean, token_file: provider.token, base_url: "\(fake.baseURL)", max_attempts: 2}
                runbooks:
                  failover-app:
                    match: ['alertname="AppDown"']
                    key_labels: [region]
                    steps:
                      - name: secondary
                        dns: {provider: main, zone: example.com, name: app, type: A, targets: [198.51.100.5], ttl: 300}
                    failback:
                      mode: manual
                      hold: 5m
                      steps:
                        - dns: {provider: main, zone: example.com, name: app, type: A, targets: [192.0.2.10], ttl: 300}
                engine:
                  poll_interval: 100ms
                """)
            let serve = try await ServeProcess(directory: directory, extraArguments: ["--config.file", config])
            defer { serve.process.signal(SIGKILL) }
            let client = FailoverdOperatorClient(port: serve.port, adminToken: adminToken)
            let alert = AlertmanagerWebhookBody.firing(
                labels: ["alertname": "AppDown", "region": "us-east"], startsAt: .wallClock(offsetBy: .seconds(-30)))
            #expect(try await client.postWebhook(alert).status == 200)
            let failover = try await client.waitForFinishedExecution(kind: "failover", within: .seconds(30))
            #expect(failover.state == "succeeded", "\(failover)")
            try await body(FailedOverService(directory: directory, serve: serve, execution: failover.id))
            await serve.process.stop()
        } catch {
            await fake.stop()
            throw error
        }
        await fake.stop()
    }

    /// Runs a browser with `arguments` (environment: `HOME` and XDG folders in `directory`), its standard output to
    /// `output` and standard error to `output.stderr`; kills it by PID when it has not exited within `timeout`.
    static func browse(
        _ executable: String, _ arguments: [String], in directory: TemporaryDirectory, output: String,
        timeout: Duration = .seconds(60)
    ) async throws -> String {
        let home = directory.file("browser-home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home
        environment["XDG_CONFIG_HOME"] = home + "/.config"
        environment["XDG_CACHE_HOME"] = home + "/.cache"
        // `exec` keeps the PID: the shell becomes the browser, and the browser is what is killed on a timeout.
        let process = try ChildProcess(
            executable: "/bin/sh",
            arguments: ["-c", "exec \"$0\" \"$@\" 2>\"\(output).stderr\"", executable] + arguments,
            directory: directory.path, environment: environment, logPath: output)
        guard let status = await process.waitForExit(timeout: timeout) else {
            await process.stop(grace: .seconds(2))
            throw EndToEndError("\(executable) did not exit within \(timeout); killed (pid \(process.pid))")
        }
        let errors = (try? String(contentsOfFile: output + ".stderr", encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw EndToEndError("\(executable) exited \(status):\n\(errors.suffix(4000))")
        }
        return process.output
    }

    /// Chromium's arguments: headless, a profile of its own in `directory`, no name resolution but 127.0.0.1 (so
    /// nothing outside could be reached even if the page asked).
    static func chromiumArguments(_ directory: TemporaryDirectory, profile: String) -> [String] {
        [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--user-data-dir=" + directory.file(profile), "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ]
    }

    @Test(
        "headless Chromium: the DOM has runbook, key state, steps and audit; a screenshot is a PNG; only the page is fetched",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: chromium),
            "chromium is not installed: `make test` installs it (apt-get install chromium)"))
    func chromiumRendersThePage() async throws {
        try await Self.withFailedOverService { service in
            let netLog = service.directory.file("net-log.json")
            let dom = try await Self.browse(
                Self.chromium,
                Self.chromiumArguments(service.directory, profile: "chromium-dom") + [
                    "--log-net-log=" + netLog, "--dump-dom", service.url,
                ], in: service.directory, output: service.directory.file("dom.html"))
            for fragment in [
                "<h1>failoverd status</h1>", "<h3>Runbook failover-app</h3>",
                "<tr><td>region=us-east</td><td class=\"warn\">secondary</td><td>failed_over</td>",
                "<section id=\"execution-\(service.execution)\">",
                "<td>0 secondary</td><td>dns</td><td class=\"ok\">succeeded</td>",
                "<td>app.example.com A at main: 192.0.2.10 ttl=300</td><td>→ 198.51.100.5 ttl=300</td>",
                "<td>runbook.started</td>", "<td>incident.opened</td>", "<td>config.loaded</td>",
                "<code>127.0.0.1:\(service.serve.port)</code>", "ready: the database takes writes",
            ] {
                #expect(dom.contains(fragment), "the DOM shows \(fragment)")
            }
            #expect(!dom.contains("<script"), "no JavaScript")
            for secret in [Self.adminToken, Self.providerToken] {
                #expect(!dom.contains(secret), "no secret in the page")
            }

            let requests = try ChromiumNetLog(path: netLog)
            let origin = "http://127.0.0.1:\(service.serve.port)/"
            #expect(requests.pageRequests.contains(origin), "the page was loaded: \(requests.pageRequests)")
            for url in requests.pageRequests {
                #expect(url.hasPrefix(origin), "the page fetched only from failoverd, not \(url)")
            }

            let screenshot = try TemporaryDirectory(prefix: "failoverd-status-page-screenshot").file("status.png")
            _ = try await Self.browse(
                Self.chromium,
                Self.chromiumArguments(service.directory, profile: "chromium-screenshot") + [
                    "--screenshot=" + screenshot, "--window-size=1280,900", service.url,
                ], in: service.directory, output: service.directory.file("screenshot.log"))
            let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
            #expect(png.count > 10_000, "a screenshot of a whole page: \(png.count) bytes")
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "a PNG")
            print("status page screenshot: \(screenshot)")
        }
    }

    @Test(
        "w3m -dump: the runbook's key table reads as text in a terminal browser",
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: w3m),
            "w3m is not installed: `make test` installs it (apt-get install w3m)"))
    func terminalBrowserShowsTheTables() async throws {
        try await Self.withFailedOverService { service in
            let text = try await Self.browse(
                Self.w3m, ["-dump", "-cols", "200", service.url], in: service.directory,
                output: service.directory.file("w3m.txt"))
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.contains("Runbook failover-app"), "\(text)")
            let key = lines.first { $0.hasPrefix("region=us-east") }
            #expect(key?.contains("secondary") == true && key?.contains("failed_over") == true, "\(text)")
            let step = lines.first { $0.hasPrefix("0    secondary") || $0.hasPrefix("0 secondary") }
            #expect(step?.contains("192.0.2.10 ttl=300") == true, "\(text)")
            #expect(step?.contains("→ 198.51.100.5 ttl=300") == true, "\(text)")
            #expect(lines.contains { $0.contains("runbook.started") && $0.contains("failover-app") }, "\(text)")
        }
    }
}
