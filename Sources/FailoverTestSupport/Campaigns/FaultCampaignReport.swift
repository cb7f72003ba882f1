/// The fault campaign's lines: the provider faults, then the storage faults.
public struct FaultCampaignReport: Sendable, CustomStringConvertible {
    /// One line per provider fault.
    public var providerFaults: [FaultOutcome]
    /// One line per storage fault.
    public var storageFaults: [FaultOutcome]

    /// Whether every line passed.
    public var passed: Bool { (providerFaults + storageFaults).allSatisfy(\.passed) }

    /// The printed table.
    public var description: String {
        var lines = ["provider faults: fault | outcome | requests at the fake | time to recover or give up | checks"]
        lines += providerFaults.map(\.description)
        lines.append(
            "storage faults: fault | webhook and /-/ready during the fault | webhooks posted | time to recover | checks"
        )
        lines += storageFaults.map(\.description)
        lines.append(passed ? "fault campaign passed" : "fault campaign FAILED")
        return lines.joined(separator: "\n")
    }
}
