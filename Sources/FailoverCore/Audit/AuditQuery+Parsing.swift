extension AuditQuery {
    /// The parameter names ``init(parameters:now:ignoring:)`` reads.
    public static let parameterNames = [
        "since", "until", "type", "runbook", "alertname", "fingerprint", "execution", "outcome", "limit", "cursor",
    ]

    /// A query from URL query parameters or CLI options, by name.
    ///
    /// - Parameters:
    ///   - parameters: name and value pairs, in any order; each name at most once.
    ///   - now: the current time in milliseconds since the epoch, for relative `since` and `until`.
    ///   - ignoring: other names the caller handles itself (for example `format`), accepted and skipped.
    /// - Throws: ``AuditQueryError`` naming the first parameter that is unknown, repeated or invalid.
    public init(
        parameters: some Sequence<(String, String)>, now: Int64, ignoring: Set<String> = []
    ) throws(AuditQueryError) {
        self.init()
        var seen: Set<String> = []
        var sinceText = ""
        var untilText = ""
        for (name, value) in parameters {
            if ignoring.contains(name) { continue }
            guard Self.parameterNames.contains(name) else {
                throw .unknownParameter(name, known: Self.parameterNames + ignoring.sorted())
            }
            guard seen.insert(name).inserted else { throw .repeatedParameter(name) }
            switch name {
            case "since":
                since = try Self.parseTime(value, parameter: name, now: now)
                sinceText = value
            case "until":
                until = try Self.parseTime(value, parameter: name, now: now)
                untilText = value
            case "type":
                guard let parsed = AuditEventType(rawValue: value) else {
                    throw .invalidValue(
                        name, value: value,
                        accepted: "one of \(AuditEventType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                type = parsed
            case "outcome":
                guard let parsed = AuditOutcome(rawValue: value) else {
                    throw .invalidValue(
                        name, value: value,
                        accepted: "one of \(AuditOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                outcome = parsed
            case "execution":
                guard let parsed = Int64(value), parsed > 0 else {
                    throw .invalidValue(name, value: value, accepted: "a positive integer (an execution id)")
                }
                execution = parsed
            case "limit":
                guard let parsed = Int(value), Self.limitRange.contains(parsed) else {
                    throw .invalidValue(
                        name, value: value,
                        accepted: "an integer from \(Self.limitRange.lowerBound) to \(Self.limitRange.upperBound)")
                }
                limit = parsed
            case "cursor":
                guard let parsed = AuditCursor(encoded: value) else {
                    throw .invalidValue(name, value: value, accepted: "the cursor returned with the previous page")
                }
                cursor = parsed
            default:
                guard !value.isEmpty, value.utf8.count <= 1024 else {
                    throw .invalidValue(name, value: value, accepted: "a non-empty text of at most 1024 bytes")
                }
                switch name {
                case "runbook": runbook = value
                case "alertname": alertname = value
                default: fingerprint = value
                }
            }
        }
        if let since, let until, since >= until {
            throw .emptyRange(since: sinceText, until: untilText)
        }
    }

    /// A point in time for `since` or `until`: RFC 3339 (`2026-11-21T16:37:18Z`, any offset, up to nine fraction
    /// digits, truncated to milliseconds) or a duration before `now`: one or more of a whole number followed by
    /// `ms`, `s`, `m`, `h`, `d` or `w` (`30m`, `2h`, `7d`, `1h30m`).
    ///
    /// - Returns: milliseconds since the epoch.
    /// - Throws: ``AuditQueryError`` naming `parameter` and both accepted forms.
    public static func parseTime(_ text: String, parameter: String, now: Int64) throws(AuditQueryError) -> Int64 {
        let accepted = "use RFC 3339 (2026-11-21T16:37:18Z) or a duration before now (30m, 2h, 7d, 1h30m)"
        if let timestamp = Timestamp(rfc3339: text) {
            let (milliseconds, overflow) = timestamp.secondsSinceEpoch.multipliedReportingOverflow(by: 1000)
            guard !overflow else { throw .invalidValue(parameter, value: text, accepted: accepted) }
            return milliseconds + Int64(timestamp.nanoseconds / 1_000_000)
        }
        guard let duration = parseDuration(text) else {
            throw .invalidValue(parameter, value: text, accepted: accepted)
        }
        return now - duration
    }

    /// A duration like `90s`, `2h`, `1h30m` in milliseconds; `nil` when malformed or beyond 100 years.
    public static func parseDuration(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        let limit: Int64 = 100 * 366 * 86_400_000
        var total: Int64 = 0
        var index = 0
        while index < bytes.count {
            var number: Int64 = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                number = number * 10 + Int64(bytes[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
                guard number <= limit else { return nil }
            }
            guard digits > 0, index < bytes.count else { return nil }
            let unit: Int64
            switch bytes[index] {
            case UInt8(ascii: "m") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "s"):
                unit = 1
                index += 1
            case UInt8(ascii: "s"): unit = 1000
            case UInt8(ascii: "m"): unit = 60_000
            case UInt8(ascii: "h"): unit = 3_600_000
            case UInt8(ascii: "d"): unit = 86_400_000
            case UInt8(ascii: "w"): unit = 604_800_000
            default: return nil
            }
            index += 1
            let (amount, overflow) = number.multipliedReportingOverflow(by: unit)
            guard !overflow, amount <= limit - total else { return nil }
            total += amount
        }
        return total
    }
}
