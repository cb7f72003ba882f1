import Foundation

/// What the crash campaign measured and checked.
public struct CrashCampaignReport: Sendable, CustomStringConvertible {
    /// `kill -9`s done.
    public var kills: Int
    /// Of them, kills of a failoverd that had not answered ready yet.
    public var killsBeforeReady: Int
    /// failoverd processes started (the final one included).
    public var starts: Int
    /// The senders' ledger.
    public var figures: WebhookLedger.Figures
    /// The checks, in the order printed.
    public var checks: [CampaignCheck]
    /// Wall time of the whole campaign.
    public var elapsed: Duration

    /// Whether every check passed.
    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// The printed report: figures, then one line per check, then the verdict.
    public var description: String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var lines = [
            "crash campaign: \(kills) kills (\(killsBeforeReady) before ready), \(starts) starts, "
                + "\(String(format: "%.1f", seconds)) s",
            figures.description,
        ]
        lines += checks.map(\.description)
        lines.append(passed ? "crash campaign passed" : "crash campaign FAILED")
        return lines.joined(separator: "\n")
    }
}
