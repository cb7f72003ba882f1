import FailoverCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A configuration or secret file whose mode lets more people at it than the service's own account and group.
///
/// Reading by the file's group is allowed when that group is the service's own (the process's effective group):
/// the installed layout is `root:failoverd` with mode 0640, so the service's group reads what root writes. A file
/// readable by another group, any access for others, and writing by the group are problems.
public struct FilePermissionProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file, as the configuration resolved it.
    public let path: String
    /// The setting that names the file (`server.auth.webhook.bearer_token_file`), or empty for the configuration
    /// file itself.
    public let setting: String
    /// The file's permission bits (`0o644`).
    public let mode: UInt16
    /// The file's group when it is not the service's own group, so that reading by it is a problem too.
    public let foreignGroup: UInt32?

    /// Describes a problem with the file at `path`, named by `setting`, whose permission bits are `mode`, owned by
    /// `foreignGroup` when that is not the service's group.
    public init(path: String, setting: String, mode: UInt16, foreignGroup: UInt32? = nil) {
        self.path = path
        self.setting = setting
        self.mode = mode
        self.foreignGroup = foreignGroup
    }

    /// The mode to set instead: the same bits less any for others and the group's write bit, and the group's read
    /// bit too when the group is not the service's.
    public var saferMode: UInt16 { mode & (foreignGroup == nil ? ~0o027 : ~0o067) }

    /// What is too open, e.g. `readable by others`, `writable by group and others`.
    public var exposure: String {
        var parts: [String] = []
        if let foreignGroup, mode & 0o040 != 0 {
            parts.append("readable by group \(foreignGroup), which is not the service's")
        }
        let othersRead = mode & 0o004 != 0
        let othersWrite = mode & 0o002 != 0
        let groupWrite = mode & 0o020 != 0
        if othersRead { parts.append("readable by others") }
        if groupWrite && othersWrite {
            parts.append("writable by group and others")
        } else if groupWrite {
            parts.append("writable by group")
        } else if othersWrite {
            parts.append("writable by others")
        }
        if mode & 0o001 != 0 { parts.append("executable by others") }
        return parts.joined(separator: ", ")
    }

    /// `secret file /etc/failoverd/webhook-token (server.auth.webhook.bearer_token_file) has mode 0644, readable by
    /// others: run chmod 0640 /etc/failoverd/webhook-token`.
    public var description: String {
        let what = setting.isEmpty ? "configuration file \(path)" : "secret file \(path) (\(setting))"
        return "\(what) has mode \(Self.octal(mode)), \(exposure): run chmod \(Self.octal(saferMode)) \(path)"
    }

    /// The problem as a `check-config` warning: the setting as its path, no location.
    public var warning: ConfigurationProblem {
        ConfigurationProblem(line: nil, column: nil, path: setting, message: description)
    }

    static func octal(_ mode: UInt16) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// Checks the modes of the configuration file and of every secret file it names (`*_file` settings: bearer
/// tokens, basic-auth passwords, provider tokens, the audit signing key, `url_file` and `header_files` of `http` steps).
///
/// `failoverd serve` refuses to start on a problem (unless `--config.allow-insecure-permissions`), and
/// `failoverd check-config` reports each as a warning. A file that cannot be examined is left to the loader,
/// which reports it as unreadable.
public enum FilePermissionCheck {
    /// Every problem, the configuration file's first, then the secret files in the order the configuration
    /// names them (each file once).
    public static func problems(
        configurationFile: String?, configuration: FailoverConfiguration
    ) -> [FilePermissionProblem] {
        var files: [(path: String, setting: String)] = []
        if let configurationFile { files.append((configurationFile, "")) }
        files += secretFiles(of: configuration)
        var seen = Set<String>()
        return files.compactMap { file in
            guard seen.insert(file.path).inserted else { return nil }
            return problem(path: file.path, setting: file.setting)
        }
    }

    /// The problem with one file, or `nil` when its mode is fine or it cannot be examined.
    public static func problem(path: String, setting: String) -> FilePermissionProblem? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        let mode = UInt16(truncatingIfNeeded: status.st_mode) & 0o7777
        let foreignGroup = status.st_gid == getegid() ? nil : UInt32(status.st_gid)
        let groupReadsIt = mode & 0o040 != 0 && foreignGroup != nil
        guard mode & 0o027 != 0 || groupReadsIt else { return nil }
        return FilePermissionProblem(
            path: path, setting: setting, mode: mode, foreignGroup: groupReadsIt ? foreignGroup : nil)
    }

    /// The secret files the configuration names, each with the setting that names it.
    public static func secretFiles(of configuration: FailoverConfiguration) -> [(path: String, setting: String)] {
        var files: [(path: String, setting: String)] = []
        let auth = configuration.server.auth
        for (name, credentials) in [("webhook", auth.webhook), ("read", auth.read), ("admin", auth.admin)] {
            let prefix = "server.auth.\(name)."
            if case .file(let path) = credentials.bearerToken { files.append((path, prefix + "bearer_token_file")) }
            if case .file(let path) = credentials.basicAuth?.password {
                files.append((path, prefix + "basic_auth.password_file"))
            }
        }
        if let tls = configuration.server.tls { files.append((tls.keyFile, "server.tls.key_file")) }
        for provider in configuration.providers {
            if case .file(let path) = provider.token { files.append((path, "providers.\(provider.name).token_file")) }
        }
        for runbook in configuration.runbooks.runbooks {
            let prefix = "runbooks.\(runbook.name)."
            files += stepFiles(runbook.steps, path: prefix + "steps")
            files += stepFiles(runbook.failback.steps, path: prefix + "failback.steps")
        }
        if let key = configuration.audit.signingKeyFile { files.append((key, "audit.signing_key_file")) }
        return files
    }

    private static func stepFiles(_ steps: [RunbookStep], path: String) -> [(path: String, setting: String)] {
        var files: [(path: String, setting: String)] = []
        for (index, step) in steps.enumerated() {
            let stepPath = "\(path)[\(index)]"
            switch step.action {
            case .http(let call):
                if case .file(let file) = call.target { files.append((file, stepPath + ".http.url_file")) }
                for (name, file) in call.headerFiles.sorted(by: { $0.key < $1.key }) {
                    files.append((file, stepPath + ".http.header_files." + name))
                }
            case .parallel(let children):
                files += stepFiles(children, path: stepPath + ".parallel")
            case .dns, .httpCheck, .exec, .wait:
                break
            }
        }
        return files
    }
}
