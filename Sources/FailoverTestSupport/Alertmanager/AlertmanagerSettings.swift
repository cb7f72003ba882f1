import Foundation

/// How a test Alertmanager is configured: one route that sends every alert to one webhook receiver, the route's
/// timing, and the HA peers' send delay.
///
/// The defaults are the settings under which the firing-period behaviours of the webhook reference were measured
/// (`group_wait` 1 s, `group_interval` 2 s, `repeat_interval` 6 s, `send_resolved: true`) and Alertmanager's own
/// `--cluster.peer-timeout` of 15 s.
public struct AlertmanagerSettings: Sendable {
    /// The Alertmanager binary (Debian's package names it `prometheus-alertmanager`).
    public var executable: String
    /// The receiver's name in the configuration (it arrives regex-escaped as the webhook's `receiver`).
    public var receiverName: String
    /// Where the receiver's webhook posts: the receiver under test.
    public var webhookURL: String
    /// Further `webhook_configs` of the same receiver (a ``WebhookRecorder`` beside failoverd, say). Each is its own
    /// integration with its own notification-log entry, but all see the same flushes, so each receives the same
    /// sequence of notifications.
    public var mirrorWebhookURLs: [String]
    /// A file holding the bearer credentials sent as `Authorization: Bearer …` to every webhook; `nil` for none.
    public var bearerCredentialsFile: String?
    /// The webhooks' `http_config.tls_config`: the CA that signs the receiver's certificate, and a client
    /// certificate and key for mutual TLS; `nil` for none.
    public var tlsConfig: (caFile: String, certFile: String?, keyFile: String?)?
    /// The route's `group_by` labels.
    public var groupBy: [String]
    /// The route's `group_wait`: how long a new group waits before its first notification.
    public var groupWait: Duration
    /// The route's `group_interval`: how often a group is flushed (and changes are sent) after the first.
    public var groupInterval: Duration
    /// The route's `repeat_interval`: how long an unchanged notification waits before it is sent again.
    public var repeatInterval: Duration
    /// The global `resolve_timeout`: when an alert posted without `endsAt` counts as resolved.
    public var resolveTimeout: Duration
    /// `--cluster.peer-timeout`: each clustered peer waits its position × this before it sends.
    public var peerTimeout: Duration
    /// How long a start may take until the peer answers `/-/ready` (and a cluster shows all its peers).
    public var startTimeout: Duration

    /// Creates settings for a receiver at `webhookURL`; every other parameter has the documented default.
    public init(
        webhookURL: String, mirrorWebhookURLs: [String] = [], bearerCredentialsFile: String? = nil,
        tlsConfig: (caFile: String, certFile: String?, keyFile: String?)? = nil,
        receiverName: String = "failover-webhook", groupBy: [String] = ["alertname"],
        groupWait: Duration = .seconds(1), groupInterval: Duration = .seconds(2),
        repeatInterval: Duration = .seconds(6),
        resolveTimeout: Duration = .seconds(300), peerTimeout: Duration = .seconds(15),
        startTimeout: Duration = .seconds(30), executable: String = "/usr/bin/prometheus-alertmanager"
    ) {
        self.webhookURL = webhookURL
        self.mirrorWebhookURLs = mirrorWebhookURLs
        self.bearerCredentialsFile = bearerCredentialsFile
        self.tlsConfig = tlsConfig
        self.receiverName = receiverName
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.resolveTimeout = resolveTimeout
        self.peerTimeout = peerTimeout
        self.startTimeout = startTimeout
        self.executable = executable
    }

    /// The configuration file's text (YAML).
    public var configurationText: String {
        var lines = [
            "global:",
            "  resolve_timeout: \(Self.goDuration(resolveTimeout))",
            "route:",
            "  receiver: \(Self.quoted(receiverName))",
            "  group_by: [\(groupBy.map(Self.quoted).joined(separator: ", "))]",
            "  group_wait: \(Self.goDuration(groupWait))",
            "  group_interval: \(Self.goDuration(groupInterval))",
            "  repeat_interval: \(Self.goDuration(repeatInterval))",
            "receivers:",
            "  - name: \(Self.quoted(receiverName))",
            "    webhook_configs:",
        ]
        for url in [webhookURL] + mirrorWebhookURLs {
            lines += ["      - url: \(Self.quoted(url))", "        send_resolved: true"]
            if bearerCredentialsFile != nil || tlsConfig != nil { lines.append("        http_config:") }
            if let bearerCredentialsFile {
                lines += [
                    "          authorization:",
                    "            type: Bearer",
                    "            credentials_file: \(Self.quoted(bearerCredentialsFile))",
                ]
            }
            if let tlsConfig {
                lines += ["          tls_config:", "            ca_file: \(Self.quoted(tlsConfig.caFile))"]
                if let certFile = tlsConfig.certFile { lines.append("            cert_file: \(Self.quoted(certFile))") }
                if let keyFile = tlsConfig.keyFile { lines.append("            key_file: \(Self.quoted(keyFile))") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A duration as Go's `time.ParseDuration` and Alertmanager's configuration read it: whole seconds as `5s`,
    /// anything finer as milliseconds (`1500ms`).
    public static func goDuration(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }

    /// A YAML double-quoted scalar.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
