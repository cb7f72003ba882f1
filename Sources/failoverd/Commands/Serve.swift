import ArgumentParser
import FailoverConfig
import FailoverService
import FailoverStore
import Foundation
import Logging
import ServiceLifecycle

/// `failoverd serve`: runs the service until SIGTERM or SIGINT, which stop it gracefully.
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

    @Option(name: .customLong("log.format"), help: "Log line format: logfmt or json.")
    var logFormat: String = "logfmt"

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
        guard LogLineHandler.Format(rawValue: logFormat) != nil else {
            throw ValidationError("--log.format \"\(logFormat)\" is not one of logfmt, json")
        }
    }

    func run() async throws {
        // A SIGHUP before the reload handler is in place must not end the process (its default action).
        signal(SIGHUP, SIG_IGN)
        let logger = LogSetup.bootstrap(
            level: LogSetup.level(logLevel) ?? .info, format: LogLineHandler.Format(rawValue: logFormat) ?? .logfmt)
        var configuration = FailoverConfiguration.defaults
        if configFile != nil {
            do {
                configuration = try loadConfiguration()
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(1)
            }
            let insecure = FilePermissionCheck.problems(configurationFile: configFile, configuration: configuration)
            for problem in insecure where allowInsecurePermissions { logger.warning("\(problem)") }
            for problem in insecure where !allowInsecurePermissions { logger.critical("cannot start: \(problem)") }
            if !insecure.isEmpty && !allowInsecurePermissions { throw ExitCode(1) }
        } else {
            applyOverrides(to: &configuration)
        }

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
        do {
            let command = self
            let reloadSource: ConfigurationSource? =
                configFile == nil
                ? nil : { @Sendable () throws -> FailoverConfiguration in try command.loadSecureConfiguration() }
            let service = try FailoverService(
                configuration: configuration, configurationFile: configFile, reloadSource: reloadSource,
                logger: logger)
            // Stopped in reverse order: the SIGHUP handler first, then the service.
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: service), .init(service: ConfigurationReloadOnHangup(service: service))],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch let error as ServiceError {
            logger.critical("cannot start: \(error.message)")
            throw ExitCode(1)
        }
    }

    /// For a reload: ``loadConfiguration()``, refused like at start when a file it names is open to others (unless
    /// `--config.allow-insecure-permissions`).
    func loadSecureConfiguration() throws -> FailoverConfiguration {
        let configuration = try loadConfiguration()
        let insecure = FilePermissionCheck.problems(configurationFile: configFile, configuration: configuration)
        if !insecure.isEmpty && !allowInsecurePermissions {
            throw InsecureFilesError(problems: insecure.map { "\($0)" })
        }
        return configuration
    }

    /// The configuration file with the command line's overrides, as at start and at every reload.
    func loadConfiguration() throws -> FailoverConfiguration {
        var configuration = FailoverConfiguration.defaults
        if let configFile { configuration = try ConfigurationLoader.load(path: configFile) }
        applyOverrides(to: &configuration)
        return configuration
    }

    private func applyOverrides(to configuration: inout FailoverConfiguration) {
        if let listenAddress, let address = ListenAddress(parsing: listenAddress) {
            configuration.server.listenAddress = address
        }
        if let storagePath { configuration.storage.path = storagePath }
        if dryRun { configuration.engine.dryRun = true }
    }
}

/// A reloaded configuration names files that others may read or the group may write.
struct InsecureFilesError: Error, CustomStringConvertible {
    let problems: [String]
    var description: String { problems.joined(separator: "; ") }
}
