import Foundation

/// Opens incidents one at a time against a running failoverd and waits for each failover to end before the next,
/// so that every incident is measured alone: post the webhook on a keep-alive connection (as Alertmanager does),
/// wait for the fake provider's first write, then poll the operator API until the execution has ended.
final class IncidentDriver {
    private let webhook: LoopbackConnection
    private let api: LoopbackConnection
    private let recorder: LinodeRecorder
    private var serial = 0

    /// Connects to failoverd on `port`.
    init(port: UInt16, recorder: LinodeRecorder) throws(BenchError) {
        webhook = try LoopbackConnection(port: port)
        api = try LoopbackConnection(port: port)
        self.recorder = recorder
    }

    /// Opens the incident of `region` and measures it.
    func measure(region: String) throws(BenchError) -> IncidentSample {
        serial += 1
        recorder.resetRecord()
        let requestsBefore = recorder.zone.requestCount
        let answer = try webhook.exchange(
            "POST", "/webhook", headers: [("Content-Type", "application/json")],
            body: IncidentWebhook.body(region: region, serial: serial))
        guard answer.status == 200 else {
            throw BenchError("the webhook for \(region) was answered \(answer.status): \(answer.text)")
        }
        guard let (write, reads) = recorder.zone.waitForWrite(after: requestsBefore, timeout: 10) else {
            throw BenchError("no DNS write reached the fake provider within 10 s of the webhook for \(region)")
        }
        try waitUntilEnded(region: region)
        // A short quiet gap: the engine's pass after the execution ended has committed before the next webhook.
        usleep(20_000)
        return IncidentSample(region: region, answer: answer, reads: reads, write: write)
    }

    /// Polls `GET /api/v1/executions?limit=1` until the newest execution is the region's and has ended.
    private func waitUntilEnded(region: String) throws(BenchError) {
        let deadline = Date(timeIntervalSinceNow: 15)
        var last = ""
        while Date() < deadline {
            let answer = try api.exchange("GET", "/api/v1/executions?limit=1")
            last = answer.text
            if answer.status == 200,
                let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any],
                let newest = (object["executions"] as? [[String: Any]])?.first,
                (newest["key"] as? [String: String])?["region"] == region,
                let state = newest["state"] as? String, state != "scheduled", state != "running"
            {
                guard state == "succeeded" else {
                    throw BenchError("the failover of \(region) ended \(state): \(answer.text)")
                }
                return
            }
            usleep(2_000)
        }
        throw BenchError("the failover of \(region) had not ended after 15 s; last answer: \(last)")
    }
}
