/// Durations as the configuration writes them (`10m`, `1h30m`, `500ms`, `0s`).
enum DurationText {
    /// The compact form of `duration`, to the millisecond.
    static func compact(_ duration: Duration) -> String {
        var milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        guard milliseconds > 0 else { return "0s" }
        var text = ""
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] {
            let count = milliseconds / size
            if count > 0 { text += "\(count)\(unit)" }
            milliseconds %= size
        }
        return text
    }

    /// The compact form of a duration the API prints as Swift does (`600.0 seconds`); other text unchanged.
    static func compact(apiText text: String) -> String {
        guard text.hasSuffix(" seconds"), let seconds = Double(text.dropLast(" seconds".count)) else { return text }
        return compact(.milliseconds(Int64((seconds * 1000).rounded())))
    }
}
