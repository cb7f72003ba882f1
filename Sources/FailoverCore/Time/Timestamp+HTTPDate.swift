extension Timestamp {
    /// Parses an HTTP date in the IMF-fixdate form every current server sends (`Sun, 06 Nov 1994 08:49:37 GMT`,
    /// RFC 9110 §5.6.7), as in `Retry-After`; `nil` when malformed.
    public init?(httpDate text: some StringProtocol) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","), parts[5] == "GMT",
            parts[1].count == 2, let day = Int(parts[1]), let monthIndex = months.firstIndex(of: String(parts[2])),
            parts[3].count == 4, Int(parts[3]) != nil, parts[4].count == 8
        else { return nil }
        let rfc3339 =
            "\(parts[3])-\(monthIndex < 9 ? "0" : "")\(monthIndex + 1)-\(day < 10 ? "0" : "")\(day)T\(parts[4])Z"
        self.init(rfc3339: rfc3339)
    }
}
