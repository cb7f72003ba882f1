import FailoverCore
import Foundation
import Yams

/// Reads failoverd's YAML configuration, strictly: unknown keys, wrong types and inline secrets are problems,
/// and every problem is reported with its line and column (like `amtool check-config`), not just the first.
public enum ConfigurationLoader {
    /// Loads and validates the file at `path`.
    public static func load(path: String) throws(ConfigurationError) -> FailoverConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path, reason: "cannot read the configuration file: \(error.localizedDescription)")
        }
        return try parse(yaml: text, source: path, baseDirectory: (path as NSString).deletingLastPathComponent)
    }

    /// Parses configuration text; `source` names it in problems, relative `*_file` paths resolve against
    /// `baseDirectory` (the configuration file's directory).
    public static func parse(
        yaml: String, source: String, baseDirectory: String = ""
    ) throws(ConfigurationError)
        -> FailoverConfiguration
    {
        let root: Node?
        do {
            // The basic resolver tags every scalar as a string; the readers convert what they expect. Yams'
            // default resolver compiles ICU regexes to tag ints, floats and booleans, which costs 2 MB of
            // resident memory for as long as the service runs (measured with `make bench`'s idle RSS).
            root = try Yams.compose(yaml: yaml, .basic)
        } catch {
            throw .invalid(source, problems: [Self.problem(fromYAMLError: error)])
        }
        var reader = NodeReader(baseDirectory: baseDirectory)
        var configuration = FailoverConfiguration.defaults
        if let root {
            reader.readRoot(root, into: &configuration)
        }
        reader.crossCheck(&configuration)
        guard reader.problems.isEmpty else { throw .invalid(source, problems: reader.problems) }
        configuration.warnings = reader.warnings
        return configuration
    }

    private static func problem(fromYAMLError error: any Error) -> ConfigurationProblem {
        if let yamlError = error as? YamlError {
            switch yamlError {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                return ConfigurationProblem(
                    line: mark.line, column: mark.column, path: "", message: "invalid YAML: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
                return ConfigurationProblem(
                    line: context.mark.line, column: context.mark.column, path: "",
                    message: "duplicate key \(keys) in this mapping")
            default:
                break
            }
        }
        return ConfigurationProblem(line: nil, column: nil, path: "", message: "invalid YAML: \(error)")
    }
}

/// Walks the YAML node tree, filling the configuration and collecting problems.
struct NodeReader {
    let baseDirectory: String
    var problems: [ConfigurationProblem] = []
    var warnings: [ConfigurationProblem] = []
    /// Where each runbook's provider references stand, checked once every section is read.
    var providerReferences: [(name: String, node: Node, path: String)] = []
    /// Failback holds, checked against `ingest.reopen_window` once every section is read.
    var holds: [(hold: Duration, node: Node, path: String)] = []

    init(baseDirectory: String) {
        self.baseDirectory = baseDirectory
    }

    mutating func readRoot(_ root: Node, into configuration: inout FailoverConfiguration) {
        guard let root = mapping(root, path: "") else { return }
        for (key, value) in root {
            switch key {
            case "server": readServer(value, into: &configuration.server)
            case "storage": readStorage(value, into: &configuration.storage)
            case "ingest": readIngest(value, into: &configuration.ingest)
            case "retention": readRetention(value, into: &configuration.retention)
            case "providers": configuration.providers = readProviders(value)
            case "runbooks": configuration.runbooks = RunbookCatalog(readRunbooks(value))
            case "engine": readEngine(value, into: &configuration.engine)
            case "audit": readAudit(value, into: &configuration.audit)
            default: unknownKey(key, value, path: "")
            }
        }
    }

    // MARK: Sections

    private mutating func readServer(_ node: Node, into server: inout ServerSettings) {
        guard let entries = mapping(node, path: "server") else { return }
        for (key, value) in entries {
            let path = "server." + key
            switch key {
            case "listen_address":
                guard let text = string(value, path: path) else { continue }
                if let address = ListenAddress(parsing: text) {
                    server.listenAddress = address
                } else {
                    report(value, path, "\"\(text)\" is not HOST:PORT (for example 127.0.0.1:9095 or [::1]:9095)")
                }
            case "max_request_body_size":
                if let size = byteSize(value, path: path, minimum: 1024) { server.maxRequestBodyBytes = size }
            case "max_connections":
                if let count = integer(value, path: path, range: 1...65_536) { server.maxConnections = count }
            case "connection_timeout":
                if let duration = duration(value, path: path, minimum: .seconds(1)) {
                    server.connectionTimeout = duration
                }
            case "max_connections_per_address":
                if let count = integer(value, path: path, range: 1...65_536) { server.maxConnectionsPerAddress = count }
            case "max_header_size":
                if let size = byteSize(value, path: path, minimum: 4096) {
                    if size > 1 << 20 {
                        report(value, path, "\(size) bytes is more than the maximum of 1MiB")
                    } else {
                        server.maxHeaderBytes = size
                    }
                }
            case "request_timeout":
                if let duration = duration(value, path: path, minimum: .seconds(1)) { server.requestTimeout = duration }
            case "trusted_proxies":
                if let networks = networks(value, path: path) { server.trustedProxies = networks }
            case "tls": server.tls = readTLS(value, path: path)
            case "auth": readAuth(value, into: &server.auth)
            default: unknownKey(key, value, path: "server")
            }
        }
    }

    private mutating func readAuth(_ node: Node, into auth: inout AuthSettings) {
        guard let entries = mapping(node, path: "server.auth") else { return }
        for (key, value) in entries {
            switch key {
            case "webhook": auth.webhook = readCredentials(value, path: "server.auth.webhook")
            case "read": auth.read = readCredentials(value, path: "server.auth.read")
            case "admin": auth.admin = readCredentials(value, path: "server.auth.admin")
            case "protect_metrics":
                if let flag = boolean(value, path: "server.auth.protect_metrics") { auth.protectMetrics = flag }
            case "failure_limit": readFailureLimit(value, into: &auth.failureLimit)
            default: unknownKey(key, value, path: "server.auth")
            }
        }
    }

    private mutating func readCredentials(_ node: Node, path: String) -> CredentialSettings {
        var credentials = CredentialSettings()
        guard let entries = mapping(node, path: path) else { return credentials }
        var seen = Set<String>()
        for (key, value) in entries {
            seen.insert(key)
            switch key {
            case "bearer_token":
                report(
                    value, path + "." + key,
                    "secrets never sit in the configuration file: use bearer_token_file or bearer_token_env")
            case "bearer_token_file", "bearer_token_env":
                credentials.bearerToken = secret(key: key, value, path: path + "." + key)
            case "basic_auth":
                credentials.basicAuth = readBasicAuth(value, path: path + ".basic_auth")
            case "allowed_networks":
                let networks = networks(value, path: path + ".allowed_networks")
                if networks?.isEmpty == true {
                    report(
                        value, path + ".allowed_networks",
                        "an empty list would refuse every caller: list networks, or leave the setting out to allow all")
                }
                credentials.allowedNetworks = networks
            default: unknownKey(key, value, path: path)
            }
        }
        if seen.contains("bearer_token_file"), seen.contains("bearer_token_env") {
            report(node, path, "set bearer_token_file or bearer_token_env, not both")
        }
        return credentials
    }

    private mutating func readFailureLimit(_ node: Node, into limit: inout AuthenticationFailureLimit) {
        let path = "server.auth.failure_limit"
        guard let entries = mapping(node, path: path) else { return }
        for (key, value) in entries {
            switch key {
            case "max_failures":
                if let count = integer(value, path: path + ".max_failures", range: 1...1_000_000) {
                    limit.maxFailures = count
                }
            case "window":
                if let window = duration(value, path: path + ".window", minimum: .seconds(1)) { limit.window = window }
            default: unknownKey(key, value, path: path)
            }
        }
    }

    private mutating func readTLS(_ node: Node, path: String) -> TLSSettings? {
        guard let entries = mapping(node, path: path) else { return nil }
        var files: [String: String] = [:]
        for (key, value) in entries {
            switch key {
            case "cert_file", "key_file", "client_ca_file":
                guard let text = nonEmpty(value, path: path + "." + key) else { continue }
                let resolved = resolve(text)
                if !FileManager.default.isReadableFile(atPath: resolved) {
                    report(value, path + "." + key, "cannot read \(resolved)")
                }
                files[key] = resolved
            default: unknownKey(key, value, path: path)
            }
        }
        guard let certificate = files["cert_file"], let key = files["key_file"] else {
            report(node, path, "cert_file and key_file are both required")
            return nil
        }
        return TLSSettings(certificateFile: certificate, keyFile: key, clientCAFile: files["client_ca_file"])
    }

    /// A list of CIDR networks; each bad entry is its own problem.
    private mutating func networks(_ node: Node, path: String) -> [NetworkRange]? {
        guard let items = sequence(node, path: path) else { return nil }
        var result: [NetworkRange] = []
        var valid = true
        for (index, item) in items.enumerated() {
            guard let text = string(item, path: "\(path)[\(index)]") else {
                valid = false
                continue
            }
            do {
                result.append(try NetworkRange(parsing: text))
            } catch {
                report(item, "\(path)[\(index)]", error.description)
                valid = false
            }
        }
        return valid ? result : nil
    }

    private mutating func readBasicAuth(_ node: Node, path: String) -> BasicAuthSettings? {
        guard let entries = mapping(node, path: path) else { return nil }
        var username: String?
        var password: SecretReference?
        var passwordSources = 0
        var inlineSecret = false
        for (key, value) in entries {
            switch key {
            case "username": username = string(value, path: path + ".username")
            case "password":
                inlineSecret = true
                report(
                    value, path + ".password",
                    "secrets never sit in the configuration file: use password_file or password_env")
            case "password_file", "password_env":
                passwordSources += 1
                password = secret(key: key, value, path: path + "." + key)
            default: unknownKey(key, value, path: path)
            }
        }
        if passwordSources > 1 { report(node, path, "set password_file or password_env, not both") }
        guard let username, !username.isEmpty else {
            report(node, path + ".username", "required")
            return nil
        }
        guard let password else {
            if !inlineSecret { report(node, path, "password_file or password_env is required") }
            return nil
        }
        return BasicAuthSettings(username: username, password: password)
    }

    private mutating func readStorage(_ node: Node, into storage: inout StorageSettings) {
        guard let entries = mapping(node, path: "storage") else { return }
        for (key, value) in entries {
            let path = "storage." + key
            switch key {
            case "path":
                if let text = string(value, path: path) {
                    // Relative to the configuration file's directory, like secret files.
                    if text.isEmpty { report(value, path, "must not be empty") } else { storage.path = resolve(text) }
                }
            case "busy_timeout":
                if let duration = duration(value, path: path, minimum: .milliseconds(1)) {
                    storage.busyTimeout = duration
                }
            default: unknownKey(key, value, path: "storage")
            }
        }
    }

    private mutating func readIngest(_ node: Node, into ingest: inout IngestSettings) {
        guard let entries = mapping(node, path: "ingest") else { return }
        for (key, value) in entries {
            let path = "ingest." + key
            switch key {
            case "max_batch_size":
                if let count = integer(value, path: path, range: 1...10_000) { ingest.maxBatchSize = count }
            case "max_pending":
                if let count = integer(value, path: path, range: 1...1_000_000) { ingest.maxPending = count }
            case "reopen_window":
                if let window = duration(value, path: path, minimum: .zero) { ingest.reopenWindow = window }
            default: unknownKey(key, value, path: "ingest")
            }
        }
    }

    private mutating func readRetention(_ node: Node, into retention: inout RetentionSettings) {
        guard let entries = mapping(node, path: "retention") else { return }
        for (key, value) in entries {
            let path = "retention." + key
            switch key {
            case "delivery_bodies", "audit_events":
                guard let text = string(value, path: path) else { continue }
                let kept: Duration?
                if text == "forever" {
                    kept = nil
                } else if let parsed = duration(value, path: path, minimum: .seconds(86_400)) {
                    kept = parsed
                } else {
                    continue
                }
                if key == "delivery_bodies" { retention.deliveryBodies = kept } else { retention.auditEvents = kept }
            case "interval":
                if let value = duration(value, path: path, minimum: .seconds(1)) { retention.interval = value }
            default: unknownKey(key, value, path: "retention")
            }
        }
    }

    private mutating func readAudit(_ node: Node, into audit: inout AuditSettings) {
        guard let entries = mapping(node, path: "audit") else { return }
        for (key, value) in entries {
            let path = "audit." + key
            switch key {
            case "signing_key_file":
                guard case .file(let file) = secret(key: key, value, path: path) else { continue }
                audit.signingKeyFile = file
                // Checked here so that check-config says so; the service reads the key again at start.
                if let data = FileManager.default.contents(atPath: file) {
                    do {
                        _ = try AuditSigningKey(pem: String(decoding: data, as: UTF8.self))
                    } catch {
                        report(value, path, "\(file): \(error.message)")
                    }
                }
            case "signing_interval":
                if let interval = duration(value, path: path, minimum: .seconds(1)) { audit.signingInterval = interval }
            default: unknownKey(key, value, path: "audit")
            }
        }
    }

    private mutating func readProviders(_ node: Node) -> [ProviderAccountConfiguration] {
        guard let entries = mapping(node, path: "providers") else { return [] }
        var accounts: [ProviderAccountConfiguration] = []
        for (name, value) in entries {
            let path = "providers." + name
            if !Self.isValidName(name) {
                report(value, path, "provider names use letters, digits, '-' and '_' only")
            }
            guard let fields = mapping(value, path: path) else { continue }
            var kind: ProviderAccountConfiguration.Kind?
            var token: SecretReference?
            var tokenSources = 0
            var baseURL: String?
            var caFile: String?
            var connectTimeout = Duration.seconds(5)
            var requestTimeout = Duration.seconds(30)
            var maxAttempts = 5
            var maxRetryDuration = Duration.seconds(60)
            var inlineSecret = false
            for (key, field) in fields {
                let fieldPath = path + "." + key
                switch key {
                case "type":
                    guard let text = string(field, path: fieldPath) else { continue }
                    kind = ProviderAccountConfiguration.Kind(rawValue: text)
                    if kind == nil {
                        let known = ProviderAccountConfiguration.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                        report(field, fieldPath, "unknown provider type \"\(text)\"; known types: \(known)")
                    }
                case "token":
                    inlineSecret = true
                    report(field, fieldPath, "secrets never sit in the configuration file: use token_file or token_env")
                case "token_file", "token_env":
                    tokenSources += 1
                    token = secret(key: key, field, path: fieldPath)
                case "base_url":
                    guard let text = string(field, path: fieldPath) else { continue }
                    if Self.isHTTPURL(text) {
                        baseURL = text.hasSuffix("/") ? String(text.dropLast()) : text
                    } else {
                        report(field, fieldPath, "\"\(text)\" is not an http:// or https:// URL")
                    }
                case "ca_file":
                    if let text = string(field, path: fieldPath) { caFile = resolve(text) }
                case "connect_timeout":
                    if let value = duration(field, path: fieldPath, minimum: .milliseconds(100)) {
                        connectTimeout = value
                    }
                case "request_timeout":
                    if let value = duration(field, path: fieldPath, minimum: .milliseconds(100)) {
                        requestTimeout = value
                    }
                case "max_attempts":
                    if let value = integer(field, path: fieldPath, range: 1...20) { maxAttempts = value }
                case "max_retry_duration":
                    if let value = duration(field, path: fieldPath, minimum: .seconds(1)) { maxRetryDuration = value }
                default: unknownKey(key, field, path: path)
                }
            }
            if tokenSources > 1 { report(value, path, "set token_file or token_env, not both") }
            guard let kind else {
                if !fields.contains(where: { $0.0 == "type" }) { report(value, path + ".type", "required") }
                continue
            }
            guard let token else {
                if tokenSources == 0 && !inlineSecret { report(value, path, "token_file or token_env is required") }
                continue
            }
            accounts.append(
                ProviderAccountConfiguration(
                    name: name, kind: kind, token: token, baseURL: baseURL, caFile: caFile,
                    connectTimeout: connectTimeout, requestTimeout: requestTimeout, maxAttempts: maxAttempts,
                    maxRetryDuration: maxRetryDuration))
        }
        return accounts
    }

    // MARK: Values

    /// Whether a scalar is YAML's null: nothing, `~` or `null` written plain, or a scalar tagged `!!null`.
    static func isNull(_ scalar: Node.Scalar) -> Bool {
        if scalar.tag.rawValue == Tag.Name.null.rawValue { return true }
        guard scalar.style == .plain else { return scalar.string.isEmpty }
        switch scalar.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    mutating func mapping(_ node: Node, path: String) -> [(String, Node)]? {
        if case .scalar(let scalar) = node, Self.isNull(scalar) {
            return []
        }
        guard case .mapping(let mapping) = node else {
            report(node, path, "expected a mapping")
            return nil
        }
        var entries: [(String, Node)] = []
        var seen = Set<String>()
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                report(key, path, "keys must be plain strings")
                continue
            }
            if !seen.insert(scalar.string).inserted {
                report(key, path.isEmpty ? scalar.string : path + "." + scalar.string, "duplicate key")
                continue
            }
            entries.append((scalar.string, value))
        }
        return entries
    }

    mutating func string(_ node: Node, path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            report(node, path, "expected a string")
            return nil
        }
        return scalar.string
    }

    mutating func integer(_ node: Node, path: String, range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
            report(node, path, "expected an integer")
            return nil
        }
        guard range.contains(value) else {
            report(node, path, "\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func duration(_ node: Node, path: String, minimum: Duration) -> Duration? {
        guard let text = string(node, path: path) else { return nil }
        guard let value = ConfigurationValueParsing.duration(text) else {
            report(node, path, "\"\(text)\" is not a duration (for example 500ms, 30s, 5m, 1h)")
            return nil
        }
        guard value >= minimum else {
            report(node, path, "\(text) is shorter than the minimum of \(minimum)")
            return nil
        }
        return value
    }

    mutating func byteSize(_ node: Node, path: String, minimum: Int) -> Int? {
        guard let text = string(node, path: path) else { return nil }
        guard let value = ConfigurationValueParsing.byteSize(text) else {
            report(node, path, "\"\(text)\" is not a size (for example 1048576, 512KiB, 1MiB)")
            return nil
        }
        guard value >= minimum else {
            report(node, path, "\(text) is smaller than the minimum of \(minimum) bytes")
            return nil
        }
        return value
    }

    mutating func secret(key: String, _ node: Node, path: String) -> SecretReference? {
        guard let text = string(node, path: path) else { return nil }
        guard !text.isEmpty else {
            report(node, path, "must not be empty")
            return nil
        }
        if key.hasSuffix("_env") {
            guard Self.isValidEnvironmentName(text) else {
                report(node, path, "\"\(text)\" is not an environment variable name")
                return nil
            }
            return .environment(text)
        }
        let resolved = resolve(text)
        if !FileManager.default.isReadableFile(atPath: resolved) {
            report(node, path, "cannot read \(resolved)")
        }
        return .file(resolved)
    }

    func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), !baseDirectory.isEmpty else { return path }
        return baseDirectory + "/" + path
    }

    mutating func unknownKey(_ key: String, _ node: Node, path: String) {
        report(node, path.isEmpty ? key : path + "." + key, "unknown setting")
    }

    mutating func report(_ node: Node, _ path: String, _ message: String) {
        problems.append(
            ConfigurationProblem(line: node.mark?.line, column: node.mark?.column, path: path, message: message))
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45
                    || byte == 95
            }
    }

    private static func isValidEnvironmentName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= 48 && first <= 57) else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
        }
    }

    private static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return false }
        return true
    }
}
