import Foundation

/// One line of the fault campaign: a fault, what came of it, and whether it passed.
public struct FaultOutcome: Sendable, CustomStringConvertible {
    /// The fault (`429 storm (Retry-After: 1) x3 on PUT`).
    public var fault: String
    /// `succeeded`, `failed: <error>`, `skipped: <why>`, or the storage side's summary.
    public var outcome: String
    /// Requests that reached the fake (and connections reset before it), or webhooks posted during the fault.
    public var attempts: String
    /// Time to recover or to give up.
    public var time: String
    /// Further checks (`changes 1, not hung`).
    public var checks: String
    /// Whether the outcome is the expected one and every check held; a skipped case passes.
    public var passed: Bool

    /// `fault | outcome | attempts | time | checks | ok/FAIL`, on one line (runs of white space in a column become
    /// one space).
    public var description: String {
        [
            fault.padding(toLength: max(fault.count, 52), withPad: " ", startingAt: 0), outcome, attempts, time, checks,
            passed ? "ok" : "FAIL",
        ].map { $0.split(whereSeparator: \.isNewline).joined(separator: " ") }.joined(separator: " | ")
    }
}
