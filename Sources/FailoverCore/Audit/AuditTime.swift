/// Time text of the audit log: milliseconds since the epoch written as RFC 3339 in UTC with exactly three
/// fraction digits, so that the text has one form per instant.
enum AuditTime {
    /// Appends `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func appendRFC3339(milliseconds: Int64, to out: inout [UInt8]) {
        let millisecondOfDay = Int(((milliseconds % 86_400_000) + 86_400_000) % 86_400_000)
        let days = Int((milliseconds - Int64(millisecondOfDay)) / 86_400_000)
        let (year, month, day) = civil(daysSinceEpoch: days)
        appendDigits(year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(millisecondOfDay / 3_600_000, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(millisecondOfDay / 60_000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(millisecondOfDay / 1000 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(millisecondOfDay % 1000, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// Zero-padded decimal; years beyond four digits (or before year 0) are written as they are.
    private static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        guard value >= 0 else {
            out.append(contentsOf: String(value).utf8)
            return
        }
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        if value >= divisor * 10 {
            out.append(contentsOf: String(value).utf8)
            return
        }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (the civil-from-days algorithm published by
    /// Howard Hinnant, with eras of 400 years starting on March 1st).
    private static func civil(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
