import ArgumentParser
import FailoverConfig
import FailoverService
import FailoverStore
import Foundation
import Logging

/// `failoverd serve`: runs the service until SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the service: take Alertmanager webhooks and serve the API.",
        discussion: """
            Without --config.file the service runs on embedded defaults: it listens on 127.0.0.1:9095 and keeps \
            its state in data/failoverd.db. Flags override the configuration file.
            """)

    @Option(name: .customLong("config.file"), help: "YAML configuration file.")
    var configFile: String?

    @Option(name: .customLong("web.listen-address"), help: "Address to listen on, HOST:PORT (default 127.0.0.1:9095).")
    var listenAddress: String?

    @Option(name: .customLong("storage.path"), help: "SQLite state file (default data/failoverd.db).")
    var storagePath: String?

    @Option(name: .customLong("log.level"), help: "Log level: debug, info, warning or error.")
    var logLevel: String = "info"

    @Flag(
        name: .customLong("dry-run"),
        help: "Runbooks read and plan DNS changes and report what they would do; nothing outside failoverd changes.")
    var dryRun = false

    @Flag(
        name: .customLong("config.allow-insecure-permissions"),
        help: "Start although the configuration or a secret file is readable or writable by others (warn instead).")
    var allowInsecurePermissions = false

    func validate() throws {
        if let listenAddress, ListenAddress(parsing: listenAddress) == nil {
            throw ValidationError("--web.listen-address \"\(listenAddress)\" is not HOST:PORT, e.g. 127.0.0.1:9095")
        }
        if let storagePath, storagePath.isEmpty {
            throw ValidationError("--storage.path must not be empty")
        }
        guard LogSetup.level(logLevel) != nil else {
            throw ValidationError("--log.level \"\(logLevel)\" is not one of debug, info, warning, error")
        }
    }

    func run() async throws {
        let logger = LogSetup.bootstrap(level: LogSetup.level(logLevel) ?? .info)
        var configuration = FailoverConfiguration.defaults
        if let configFile {
            do {
                configuration = try ConfigurationLoader.load(path: configFile)
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(1)
            }
            let insecure = FilePermissionCheck.problems(configurationFile: configFile, configuration: configuration)
            for problem in insecure where allowInsecurePermissions { logger.warning("\(problem)") }
            for problem in insecure where !allowInsecurePermissions { logger.critical("cannot start: \(problem)") }
            if !insecure.isEmpty && !allowInsecurePermissions { throw ExitCode(1) }
        }
        if let listenAddress, let address = ListenAddress(parsing: listenAddress) {
            configuration.server.listenAddress = address
        }
        if let storagePath { configuration.storage.path = storagePath }
        if dryRun { configuration.engine.dryRun = true }

        // One process owns the database: a second `serve`, or `dns set`, on the same file is refused. It is also
        // what lets the engine take back an earlier process's claims at once instead of waiting for their leases.
        let ownerLock: StateStoreOwnerLock
        do {
            ownerLock = try StateStoreOwnerLock.acquire(
                databasePath: configuration.storage.path, owner: "failoverd serve")
        } catch {
            logger.critical("cannot start: \(error.message)")
            throw ExitCode(1)
        }
        defer { ownerLock.release() }
        let service: FailoverService
        do {
            service = try FailoverService(configuration: configuration, logger: logger)
            try service.start()
        } catch {
            logger.critical("cannot start: \(error.message)")
            throw ExitCode(1)
        }
        await service.recordStarted(configurationFile: configFile)
        let signal = await SignalWaiter.wait(for: [SIGTERM, SIGINT])
        logger.info("received \(signal == SIGTERM ? "SIGTERM" : "SIGINT"), shutting down")
        await service.shutdown()
    }
}
