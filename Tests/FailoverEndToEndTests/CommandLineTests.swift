import FailoverTestSupport
import Foundation
import GRDB
import Testing

@Suite("The failoverd binary", .serialized)
struct CommandLineTests {
    @Test("--version prints the version")
    func version() async throws {
        let (status, output) = try await runFailoverd(["--version"])
        #expect(status == 0)
        #expect(output == "0.1.0\n")
    }

    @Test("check-config: a valid file gives exit 0 and one summary line")
    func checkConfigValid() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("token", "abc\n")
        let path = try directory.write(
            "failoverd.yml",
            """
            server:
              listen_address: 127.0.0.1:9095
              auth:
                webhook:
                  bearer_token_file: token
            providers:
              linode-main:
                type: linode
                token_env: LINODE_TOKEN
            """)
        let (status, output) = try await runFailoverd(["check-config", "--config.file", path])
        #expect(status == 0)
        #expect(
            output
                == "\(path): SUCCESS: listen 127.0.0.1:9095, storage data/failoverd.db, webhook auth on, 1 provider account\n"
        )
    }

    @Test("check-config: an invalid file gives exit 1 and every problem with its location")
    func checkConfigInvalid() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            "bad.yml",
            """
            server:
              listen_address: everywhere
            storage:
              busy_timeout: soon
            """)
        let (status, output) = try await runFailoverd(["check-config", "--config.file", path])
        #expect(status == 1)
        #expect(
            output == """
                \(path): FAILED: 2 problems
                  \(path):2:19: server.listen_address: "everywhere" is not HOST:PORT (for example 127.0.0.1:9095 or [::1]:9095)
                  \(path):4:17: storage.busy_timeout: "soon" is not a duration (for example 500ms, 30s, 5m, 1h)

                """)
    }

    @Test("serve: bad flags and bad files are refused before starting")
    func serveValidation() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let badFlag = try await runFailoverd(["serve", "--web.listen-address", "nowhere"])
        #expect(badFlag.status == 64)
        #expect(badFlag.output.contains("--web.listen-address \"nowhere\" is not HOST:PORT"))
        let badFormat = try await runFailoverd(["serve", "--log.format", "xml"])
        #expect(badFormat.status == 64)
        #expect(badFormat.output.contains("--log.format \"xml\" is not one of logfmt, json"))
        let path = try directory.write("bad.yml", "colour: blue\n")
        let badFile = try await runFailoverd(["serve", "--config.file", path])
        #expect(badFile.status == 1)
        #expect(badFile.output.contains("\(path):1:9: colour: unknown setting"))
    }

    @Test("serve: a port in use is a clear error and exit 1")
    func portInUse() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try await ServeProcess(directory: directory)
        let second = try await runFailoverd(
            ["serve", "--web.listen-address", "127.0.0.1:\(first.port)", "--storage.path", directory.file("other.db")])
        #expect(second.status == 1)
        #expect(second.output.contains("cannot listen on 127.0.0.1:\(first.port)"))
        await first.process.stop()
    }

    @Test("serve with no configuration uses the embedded defaults: state under ./data")
    func embeddedDefaults() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The default listen address is fixed (9095); check the defaults through the storage path instead,
        // with only the port overridden so the test can run beside a real instance.
        let port = try FreePort.next()
        let process = try ChildProcess(
            executable: PackagePaths.failoverdBinary,
            arguments: ["serve", "--web.listen-address", "127.0.0.1:\(port)"],
            directory: directory.path, logPath: directory.file("serve.log"))
        #expect(await process.waitForOutput("failoverd started"))
        #expect(process.output.contains("storage=data/failoverd.db"))
        #expect(FileManager.default.fileExists(atPath: directory.file("data/failoverd.db")))
        await process.stop()
    }

    @Test("SIGHUP reloads the configuration file; an invalid file is refused and the old one stays in force")
    func sighupReloads() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        func write(_ runbook: String) throws {
            let yaml = """
                runbooks:
                  \(runbook):
                    match: ['alertname="PrimaryRegionUnhealthy"']
                    steps: [{wait: 1s}]

                """
            try directory.write("failoverd.yml", yaml)
        }
        func runbookNames(_ port: UInt16) async throws -> [String] {
            let runbooks = try await TestHTTP.send(port: port, "GET", "/api/v1/runbooks").json()["runbooks"]
            return (runbooks as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
        try write("first")
        let serve = try await ServeProcess(
            directory: directory, extraArguments: ["--config.file", directory.file("failoverd.yml")])
        defer { serve.process.signal(SIGKILL) }
        #expect(try await runbookNames(serve.port) == ["first"])
        try write("second")
        serve.process.signal(SIGHUP)
        #expect(await serve.process.waitForOutput("configuration reloaded"))
        #expect(try await runbookNames(serve.port) == ["second"])
        // A file others may read is refused at reload as at start.
        try write("third")
        chmod(directory.file("failoverd.yml"), 0o644)
        serve.process.signal(SIGHUP)
        #expect(await serve.process.waitForOutput("configuration reload failed"))
        #expect(serve.process.output.contains("chmod"))
        #expect(try await runbookNames(serve.port) == ["second"])
        try directory.write("failoverd.yml", "runbooks: [unclosed")
        let failuresBefore = serve.process.output.components(separatedBy: "configuration reload failed").count
        serve.process.signal(SIGHUP)
        try await PollingDeadline.wait(for: "the second failed reload", within: .seconds(15)) {
            serve.process.output.components(separatedBy: "configuration reload failed").count > failuresBefore
                ? true : nil
        }
        #expect(serve.process.isRunning)
        #expect(try await runbookNames(serve.port) == ["second"])
        serve.process.signal(SIGTERM)
        #expect(await serve.process.waitForExit() == 0)
    }

    @Test("--log.format json: every line the service writes is one JSON object")
    func jsonLogs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let serve = try await ServeProcess(directory: directory, extraArguments: ["--log.format", "json"])
        serve.process.signal(SIGTERM)
        #expect(await serve.process.waitForExit() == 0)
        let lines = serve.process.output.split(separator: "\n")
        #expect(lines.count >= 3, "\(serve.process.output)")
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object?["ts"] != nil && object?["level"] != nil && object?["msg"] != nil, "\(line)")
        }
        #expect(lines.contains { $0.contains(#""msg":"failoverd started""#) })
    }

    @Test("SIGTERM: in-flight work finishes, the database is checkpointed and closed, exit 0")
    func sigterm() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let serve = try await ServeProcess(directory: directory)
        let body = try benchBody()
        for _ in 0..<10 {
            #expect(try await TestHTTP.postJSON(port: serve.port, "/webhook", body).status == 200)
        }
        serve.process.signal(SIGTERM)
        #expect(await serve.process.waitForExit() == 0)
        #expect(serve.process.output.contains("failoverd stopping"))
        #expect(serve.process.output.contains("failoverd stopped"))
        let wal = directory.file("data/failoverd.db-wal")
        let walSize = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(walSize == 0, "the WAL was checkpointed into the database on close")
        #expect(try countRows("deliveries", in: directory.file("data/failoverd.db")) == 10)
        let events = try await ExternalConnection.open(directory.file("data/failoverd.db")).read { db in
            try Row.fetchAll(db, sql: "SELECT type, count(*) AS n FROM audit_events GROUP BY type ORDER BY type")
                .map { "\($0["type"] as String)=\($0["n"] as Int)" }
        }
        let alerts = try AlertCount.of(body)
        #expect(
            events == [
                "episode.opened=\(alerts)", "service.started=1", "service.stopped=1",
                "webhook.received=10",
            ])
    }

    @Test("kill -9 right after the 200: every acknowledged webhook is there after restart")
    func killNine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let serve = try await ServeProcess(directory: directory)
        let port = serve.port
        let body = try benchBody()
        // Concurrent senders, so acknowledgements come from group commits; kill the moment the last 200 arrives.
        let acknowledged = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var count = 0
                    for _ in 0..<25 {
                        if (try? await TestHTTP.postJSON(port: port, "/webhook", body).status) == 200 { count += 1 }
                    }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        serve.process.signal(SIGKILL)
        _ = await serve.process.waitForExit()
        #expect(acknowledged == 200)
        let restarted = try await ServeProcess(directory: directory, port: try FreePort.next())
        let deliveries = try await TestHTTP.send(port: restarted.port, "GET", "/api/v1/deliveries?limit=1").json()
        let newest = (deliveries["deliveries"] as? [[String: Any]])?.first?["id"] as? Int
        #expect(newest == acknowledged)
        await restarted.process.stop()
        #expect(try countRows("deliveries", in: directory.file("data/failoverd.db")) == acknowledged)
    }
}

func benchBody() throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: PackagePaths.benchPayload)))
}

func countRows(_ table: String, in path: String) throws -> Int {
    try ExternalConnection.open(path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
}

enum AlertCount {
    static func of(_ body: [UInt8]) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        return (object?["alerts"] as? [Any])?.count ?? 0
    }
}
