import FailoverConfig
import FailoverCore
import FailoverService
import FailoverTestSupport
import Foundation
import GRDB
import Logging

/// A FailoverService on a free loopback port with its state in a temporary directory.
struct ServiceFixture {
    let directory: TemporaryDirectory
    let service: FailoverService
    let logs: InMemoryLogHandler.Store
    let configuration: FailoverConfiguration

    var port: UInt16 { service.port }
    var databasePath: String { configuration.storage.path }

    init(
        auth: CredentialSettings = .init(), read: CredentialSettings = .init(), environment: [String: String] = [:],
        busyTimeout: Duration = .seconds(5), maxBodyBytes: Int = 1 << 20, reloadSource: ConfigurationSource? = nil,
        configure: (inout FailoverConfiguration) -> Void = { _ in }
    ) throws {
        directory = try TemporaryDirectory()
        var configuration = FailoverConfiguration.defaults
        configuration.server.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.server.maxRequestBodyBytes = maxBodyBytes
        configuration.server.auth.webhook = auth
        configuration.server.auth.read = read
        configuration.storage = StorageSettings(path: directory.file("data/failoverd.db"), busyTimeout: busyTimeout)
        configure(&configuration)
        self.configuration = configuration
        let (logger, logs) = InMemoryLogHandler.logger()
        self.logs = logs
        service = try FailoverService(
            configuration: configuration, reloadSource: reloadSource, logger: logger,
            secrets: SecretResolver(environment: environment))
        try service.start()
    }

    func stop() async {
        await service.shutdown(gracePeriod: .seconds(5))
        directory.remove()
    }

    func post(_ body: [UInt8], headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await TestHTTP.postJSON(port: port, "/webhook", body, headers: headers)
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> TestHTTPResponse {
        try await TestHTTP.send(port: port, "GET", path, headers: headers)
    }

    /// Reads the database through a separate connection, as another process would.
    func count(_ table: String) throws -> Int {
        let queue = try ExternalConnection.open(databasePath)
        return try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    func episodes(_ query: String = "") async throws -> [[String: Any]] {
        let response = try await get("/api/v1/episodes" + query)
        return try response.json()["episodes"] as? [[String: Any]] ?? []
    }
}

/// Real Alertmanager 0.25 bodies from Tests/Fixtures.
func captured(_ name: String) throws -> [UInt8] {
    let path = PackagePaths.root + "/Tests/Fixtures/alertmanager-0.25/\(name).json"
    return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// The load harness payload (Tests/Fixtures/bench/payload.json, the body `Benchmarks/load.sh` posts).
func benchPayload() throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: PackagePaths.benchPayload)))
}
