import ArgumentParser
import FailoverConfig
import FailoverCore
import FailoverHTTPClient
import FailoverStore
import Foundation
import Logging

/// `failoverd audit`: read and verify the audit trail, from the database file (also while the service runs) or
/// from a running instance's API.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Query or verify the audit trail.", subcommands: [Query.self, Verify.self])

    /// Where the audit trail is read from.
    struct Source: ParsableArguments {
        @OptionGroup var file: DatabaseFileOptions

        @Option(help: "Base URL of a running failoverd (e.g. http://127.0.0.1:9095) instead of the file.")
        var url: String?

        @Option(
            name: .customLong("token-env"),
            help: """
                Environment variable holding the server.auth.read bearer token, with --url (when the default \
                FAILOVERD_READ_TOKEN is not set, FAILOVERD_ADMIN_TOKEN is used).
                """)
        var tokenEnv: String = OperatorAPIClient.readTokenVariable

        func validate() throws {
            if url != nil && file.isGiven {
                throw ValidationError("--url reads from a running instance; leave out --storage.path and --config.file")
            }
            if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                throw ValidationError("--url \"\(url)\" is not an http:// or https:// URL")
            }
        }

        /// The database file, opened read-only: a read never migrates the file, and never creates one.
        func openStore() throws -> ReadOnlyStateStore { try file.openStore() }

        /// The bearer token sent with --url: `--token-env`'s variable, or the admin token for the default one.
        var token: BearerToken? {
            let environment = ProcessInfo.processInfo.environment
            if let token = environment[tokenEnv], !token.isEmpty { return BearerToken(token) }
            guard tokenEnv == OperatorAPIClient.readTokenVariable,
                let admin = environment[OperatorAPIClient.adminTokenVariable], !admin.isEmpty
            else { return nil }
            return BearerToken(admin)
        }

        /// GET `path` (with query) from the running instance; the body, or a failure naming the status.
        func fetch(_ path: String) async throws -> [UInt8] {
            guard let url else { throw CommandFailure("no --url") }
            let client = HTTPClient(
                configuration: HTTPClientConfiguration(retryPolicy: HTTPRetryPolicy(maxAttempts: 2)),
                logger: Logger(label: "failoverd-audit"))
            let base = url.hasSuffix("/") ? String(url.dropLast()) : url
            let response: HTTPClientResponse
            do {
                response = try await client.execute(
                    HTTPClientRequest(method: .get, url: base + path, bearerToken: token))
            } catch {
                throw CommandFailure("cannot reach \(base): \(error)")
            }
            guard response.status == 200 else {
                throw CommandFailure(
                    "\(base) answered \(response.status): \(String(decoding: response.body.prefix(500), as: UTF8.self))"
                )
            }
            return response.body
        }
    }

    /// `failoverd audit query`: the selection, newest first.
    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print audit events, newest first.")

        @OptionGroup var source: Source
        @Option(help: "Only events at or after: RFC 3339 or relative (2h, 30m, 7d).") var since: String?
        @Option(help: "Only events before: RFC 3339 or relative.") var until: String?
        @Option(help: "Only events of this type, e.g. episode.opened.") var type: String?
        @Option(help: "Only events of this runbook.") var runbook: String?
        @Option(help: "Only events of this alert name.") var alertname: String?
        @Option(help: "Only events of this alert fingerprint.") var fingerprint: String?
        @Option(help: "Only events of this runbook execution id.") var execution: String?
        @Option(help: "Only events with this outcome.") var outcome: String?
        @Option(help: "At most this many events (1-1000).") var limit: String?
        @Option(help: "Output: table, json (NDJSON) or csv.") var output: String = "table"

        func validate() throws {
            guard ["table", "json", "csv"].contains(output) else {
                throw ValidationError("--output \"\(output)\" is not one of table, json, csv")
            }
        }

        var parameters: [(String, String)] {
            [
                ("since", since), ("until", until), ("type", type), ("runbook", runbook), ("alertname", alertname),
                ("fingerprint", fingerprint), ("execution", execution), ("outcome", outcome), ("limit", limit),
            ].compactMap { name, value in value.map { (name, $0) } }
        }

        func run() async throws {
            let query: AuditQuery
            do {
                query = try AuditQuery(parameters: parameters, now: Int64(Date().timeIntervalSince1970 * 1000))
            } catch {
                throw ValidationError("--\(error.message)")
            }
            if source.url != nil {
                let format = output == "csv" ? "csv" : "ndjson"
                let text = parameters.map { "\($0.0)=\(Self.escape($0.1))" } + ["format=\(format)"]
                let body = try await source.fetch("/api/v1/audit?" + text.joined(separator: "&"))
                FileHandle.standardOutput.write(Data(body))
                return
            }
            let store = try source.openStore()
            defer { store.close() }
            let page: AuditPage
            do {
                page = try await store.auditPage(query)
            } catch {
                throw CommandFailure(error.message)
            }
            switch output {
            case "json": for event in page.events { print(event.ndjsonLine, terminator: "") }
            case "csv":
                print(AuditEvent.csvHeader, terminator: "")
                for event in page.events { print(event.csvRecord, terminator: "") }
            default:
                print("ID\tTIME\tTYPE\tACTOR\tOUTCOME\tSUBJECT")
                for event in page.events {
                    let subject = [
                        event.runbook.map { "runbook=\($0)" }, event.alertname.map { "alertname=\($0)" },
                        event.fingerprint.map { "fingerprint=\($0)" }, event.episode.map { "episode=\($0)" },
                    ].compactMap { $0 }.joined(separator: " ")
                    print(
                        "\(event.id)\t\(event.recordedAt)\t\(event.type.rawValue)\t\(event.actor)\t"
                            + "\(event.outcome.rawValue)\t\(subject)")
                }
            }
        }

        static func escape(_ value: String) -> String {
            value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
                ?? value
        }
    }

    /// `failoverd audit verify`: walks the hash chain; exit 0 when intact, 1 at the first broken link.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit trail's hash chain: intact, or the first broken link.",
            discussion: """
                Prints the verdict and the chain head as ID:HASH: keep it off the database host and give it back \
                as --anchor later. With --public-key, every signed head must verify and the chain must reach \
                each one's hash, which proves the log up to the newest signed head without the private key.
                """)

        @OptionGroup var source: Source

        @Option(
            name: .customLong("public-key"),
            help: """
                The Ed25519 public key of audit.signing_key_file, as `openssl pkey -pubout` writes it (PEM); \
                repeat it for heads signed with an earlier key. Needs the database file, not --url.
                """)
        var publicKeys: [String] = []

        @Option(
            help: """
                A head saved earlier (ID:HASH from verify, the log line at start or stop; or a bare ID, e.g. \
                from the failoverd_audit_head_id metric): the chain must still reach it with that hash.
                """)
        var anchor: String?

        @Option(help: "Output: text or json.") var output: String = "text"

        func validate() throws {
            guard ["text", "json"].contains(output) else {
                throw ValidationError("--output \"\(output)\" is not one of text, json")
            }
            _ = try parsedAnchor()
            if source.url != nil && !publicKeys.isEmpty {
                throw ValidationError(
                    "--public-key checks the database file itself; an answer from --url proves nothing about it")
            }
            _ = try verifyingKeys()
        }

        /// `--anchor`, read; a usage error when it is not ID:HASH or ID.
        func parsedAnchor() throws -> AuditAnchor? {
            guard let anchor else { return nil }
            do {
                return try AuditAnchor(parsing: anchor)
            } catch {
                throw ValidationError("--anchor: \(error.message)")
            }
        }

        /// The `--public-key` files, read; a usage error names the file that cannot be used.
        func verifyingKeys() throws -> [AuditVerifyingKey] {
            try publicKeys.map { path in
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ValidationError("--public-key \(path): cannot read the file")
                }
                do {
                    return try AuditVerifyingKey(pem: String(decoding: data, as: UTF8.self))
                } catch {
                    throw ValidationError("--public-key \(path): \(error)")
                }
            }
        }

        func run() async throws {
            let anchor = try parsedAnchor()
            if source.url != nil {
                let query = anchor.map { "?anchor=" + Query.escape($0.description) } ?? ""
                let body = try await source.fetch("/api/v1/audit/verify" + query)
                let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
                if output == "json" {
                    FileHandle.standardOutput.write(Data(body))
                } else {
                    print(object?["result"] as? String ?? String(decoding: body, as: UTF8.self))
                    if let head = object?["head"] as? [String: Any], let id = head["id"], let hash = head["hash"] {
                        print("head \(id):\(hash)")
                    }
                }
                if object?["intact"] as? Bool != true { throw ExitCode(1) }
                return
            }
            let keys = try verifyingKeys()
            let store = try source.openStore()
            defer { store.close() }
            let verification: AuditVerification
            do {
                verification = try await store.verifyAuditLog(anchor: anchor, publicKeys: keys)
            } catch {
                throw CommandFailure(error.message)
            }
            if output == "json" {
                print(verification.json)
            } else {
                print(verification.report, terminator: "")
            }
            if !verification.isIntact { throw ExitCode(1) }
        }
    }
}
