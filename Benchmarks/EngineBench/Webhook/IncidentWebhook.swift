/// The Alertmanager webhook that opens one incident: one firing alert of `PrimaryRegionUnhealthy` in a region of
/// its own (the runbook's key), with a fingerprint of its own, started a while ago (so the failover is due at once).
enum IncidentWebhook {
    /// The alert name the benchmark's runbook matches.
    static let alertname = "PrimaryRegionUnhealthy"

    /// The region label of incident `index`: `bench-000`, `bench-001`, …; the warm-up incident is `bench-warmup`.
    static func region(_ index: Int?) -> String {
        guard let index else { return "bench-warmup" }
        let digits = String(index)
        return "bench-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// The webhook body for a region.
    static func body(region: String, serial: Int) -> [UInt8] {
        let fingerprint = String(UInt64(0x5EED_0000_0000) + UInt64(serial), radix: 16)
        let padded = String(repeating: "0", count: max(0, 16 - fingerprint.count)) + fingerprint
        let text = """
            {"receiver":"failoverd","status":"firing","alerts":[{"status":"firing",\
            "labels":{"alertname":"\(alertname)","region":"\(region)","severity":"critical",\
            "instance":"lb-\(region).example.com:443","job":"blackbox-https"},\
            "annotations":{"summary":"Primary region \(region) is unhealthy"},\
            "startsAt":"2026-11-21T16:37:18.416Z","endsAt":"0001-01-01T00:00:00Z",\
            "generatorURL":"http://prometheus.example.com:9090/graph","fingerprint":"\(padded)"}],\
            "groupLabels":{"alertname":"\(alertname)","region":"\(region)"},\
            "commonLabels":{"alertname":"\(alertname)","region":"\(region)","severity":"critical"},\
            "commonAnnotations":{},"externalURL":"http://alertmanager.example.com:9093","version":"4",\
            "groupKey":"{}:{alertname=\\"\(alertname)\\", region=\\"\(region)\\"}","truncatedAlerts":0}
            """
        return Array(text.utf8)
    }
}
