import ArgumentParser
import FailoverConfig
import FailoverCore
import FailoverDNS
import FailoverStore
import Foundation
import Logging

/// `failoverd dns`: try a configured DNS provider account by hand.
struct DNSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns",
        abstract: "Read or set DNS records through a configured provider account.",
        subcommands: [Get.self, Set.self])

    /// Options every `dns` subcommand takes: which account, and which record.
    struct RecordOptions: ParsableArguments {
        @Option(name: .customLong("config.file"), help: "YAML configuration file with the providers: section.")
        var configFile: String

        @Option(help: "Provider account name from the configuration, e.g. linode-main.")
        var provider: String

        @Option(help: "The zone (domain), e.g. example.com.")
        var zone: String

        @Option(help: "Record name relative to the zone, '@' for the apex, or a fully qualified name.")
        var name: String

        @Option(help: "Record type, e.g. A, AAAA, CNAME, TXT.")
        var type: String = "A"

        @Option(name: .customLong("log.level"), help: "Log level: debug, info, warning or error.")
        var logLevel: String = "warning"

        func validate() throws {
            guard !zone.isEmpty else { throw ValidationError("--zone must not be empty") }
            guard !type.isEmpty, type.allSatisfy({ $0.isLetter }) else {
                throw ValidationError("--type \"\(type)\" is not a record type such as A, AAAA, CNAME or TXT")
            }
            guard LogSetup.level(logLevel) != nil else {
                throw ValidationError("--log.level \"\(logLevel)\" is not one of debug, info, warning, error")
            }
        }

        /// Loads the configuration, finds the account, reads its token and builds the provider.
        func makeProvider() throws -> any DNSProvider {
            try makeProvider(configuration: loadConfiguration())
        }

        func loadConfiguration() throws -> FailoverConfiguration {
            do {
                return try ConfigurationLoader.load(path: configFile)
            } catch {
                throw CommandFailure("\(error)")
            }
        }

        func makeProvider(configuration: FailoverConfiguration) throws -> any DNSProvider {
            let logger = LogSetup.bootstrap(level: LogSetup.level(logLevel) ?? .warning)
            guard let account = configuration.provider(named: provider) else {
                let known = configuration.providers.map(\.name)
                throw CommandFailure(
                    "no provider account \"\(provider)\" in \(configFile)"
                        + (known.isEmpty ? " (it has none)" : "; configured: \(known.joined(separator: ", "))"))
            }
            let token: String
            do {
                token = try SecretResolver().resolve(account.token)
            } catch {
                throw CommandFailure("providers.\(account.name): \(error.message)")
            }
            do {
                return try ProviderFactory.make(account: account, token: token, logger: logger)
            } catch {
                throw CommandFailure(error.message)
            }
        }
    }

    /// `failoverd dns get`: prints the records of a name and type.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the records of a name and type.")

        @OptionGroup var record: RecordOptions

        func run() async throws {
            let provider = try record.makeProvider()
            do {
                let set = try await provider.get(
                    zone: record.zone, name: record.name, type: DNSRecordType(rawValue: record.type))
                print(set.summary)
            } catch {
                throw CommandFailure(error.message)
            }
        }
    }

    /// `failoverd dns set`: reconciles a name and type to the given targets and TTL.
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a name and type to targets and a TTL: update in place, create or delete as needed.",
            discussion: """
                Idempotent: when the records already match, nothing is written and the output says so.

                The change (or the failed attempt) is recorded as a manual.action in the audit trail of the state \
                database. set refuses, before touching DNS, when that database does not exist (it never creates \
                one: the trail would split in two) and while failoverd serve runs on it (the service owns the \
                database; change DNS through a runbook instead, or stop the service). --dry-run needs neither.
                """)

        @OptionGroup var record: RecordOptions

        @Option(help: "Desired target (IP address or host name); repeat for a round-robin set.")
        var target: [String] = []

        @Option(help: "Desired TTL in seconds.")
        var ttl: Int

        @Flag(name: .customLong("dry-run"), help: "Print the plan without writing anything.")
        var dryRun = false

        @Option(
            name: .customLong("storage.path"),
            help: ArgumentHelp(
                "The state database the change is audited in (default: storage.path of --config.file).",
                discussion: """
                    --storage.path wins over the file's storage.path; a relative storage.path in the file is \
                    relative to the file's directory, a relative --storage.path to the current directory.
                    """))
        var storagePath: String?

        /// Records the change (or the failed attempt) as a `manual.action` in the audit log, so the trail shows
        /// what an operator did by hand.
        private func recordManualAction(
            in database: DirectDatabaseWrite, outcome: AuditOutcome, detail: [String: AuditValue]
        ) async {
            var fields = detail
            fields["provider"] = .string(record.provider)
            fields["zone"] = .string(record.zone)
            fields["name"] = .string(record.name)
            fields["type"] = .string(record.type.uppercased())
            fields["targets"] = .array(target.map { .string($0) })
            fields["ttl"] = .integer(Int64(ttl))
            let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            do {
                _ = try await database.store.appendAuditEvent(
                    AuditEventDraft(
                        type: .manualAction, actor: "cli:\(user)",
                        recordedAtMilliseconds: Int64(Date().timeIntervalSince1970 * 1000), outcome: outcome,
                        detail: AuditDetail(fields)))
            } catch {
                FileHandle.standardError.write(Data("warning: the change was not audited: \(error)\n".utf8))
            }
        }

        static func auditValue(_ record: DNSRecord) -> AuditValue {
            .object([
                "id": .string(record.id), "target": .string(record.target), "ttl": .integer(Int64(record.ttl)),
            ])
        }

        func validate() throws {
            guard !target.isEmpty else { throw ValidationError("give at least one --target") }
            guard ttl > 0 else { throw ValidationError("--ttl must be a positive number of seconds") }
        }

        func run() async throws {
            let desired: DNSDesiredState
            do {
                desired = try DNSDesiredState(targets: target, ttl: ttl)
            } catch {
                throw ValidationError(error.message)
            }
            let configuration = try record.loadConfiguration()
            let provider = try record.makeProvider(configuration: configuration)
            // The audit trail is checked before the provider is touched: a change that cannot be recorded (no
            // database, or a service that owns it) is not made. A dry run writes nothing, so needs neither.
            let database =
                dryRun
                ? nil
                : try DirectDatabaseWrite.open(
                    path: storagePath ?? configuration.storage.path, command: "dns set")
            defer { database?.close() }
            let result: DNSChangeResult
            do {
                result = try await provider.set(
                    zone: record.zone, name: record.name, type: DNSRecordType(rawValue: record.type), desired: desired,
                    dryRun: dryRun)
            } catch {
                if let database {
                    await recordManualAction(
                        in: database, outcome: .failure, detail: ["error": .string(error.message)])
                }
                throw CommandFailure(error.message)
            }
            print(result.description)
            if let database {
                await recordManualAction(
                    in: database, outcome: .success,
                    detail: [
                        "no_op": .bool(result.isNoOp), "verified": .bool(result.verified),
                        "before": .array(result.before.map(Self.auditValue)),
                        "after": .array(result.after.map(Self.auditValue)),
                        "request_ids": .array(result.requestIDs.map { .string($0) }),
                        "requests": .integer(Int64(result.requestCount)),
                    ])
            }
        }
    }
}

/// A failure the command reports on standard error with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
