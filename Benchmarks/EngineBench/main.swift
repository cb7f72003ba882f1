// failoverd-engine-bench: how long a failover takes to reach the DNS provider. It starts the release binary
// `failoverd serve` with one runbook keyed by `region` whose failover updates a record at a fake Linode living in
// this process, then opens incidents one at a time (a webhook per region) and measures from the webhook's 200, as
// the client reads it, to the moment the fake provider receives the failover's first write. The split comes from
// the audit events failoverd wrote. Prints a human summary and one `ENGINE key=value ...` line for run.sh.
// Run in release mode: `swift build -c release --product failoverd-engine-bench`.
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

func run() throws {
    let options = try EngineBenchOptions(Array(CommandLine.arguments.dropFirst()))
    var logger = Logger(label: "engine-bench")
    logger.logLevel = .warning
    let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent(
        "failoverd-engine-bench-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }

    let token = "bench-linode-token"
    let recorder = LinodeRecorder(token: token, logger: logger)
    try recorder.start()
    let port = try FreeLoopbackPort.next()
    let databasePath = (directory as NSString).appendingPathComponent("failoverd.db")
    let configPath = (directory as NSString).appendingPathComponent("failoverd.yml")
    try EngineBenchConfiguration.yaml(listenPort: port, storagePath: databasePath, providerBaseURL: recorder.baseURL)
        .write(toFile: configPath, atomically: true, encoding: .utf8)
    // failoverd serve refuses a configuration file that others may read.
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: configPath)
    let daemon = try FailoverdProcess(
        binary: options.failoverd, configPath: configPath,
        environment: [EngineBenchConfiguration.tokenVariable: token],
        logPath: (directory as NSString).appendingPathComponent("failoverd.log"))
    let warmup: IncidentSample
    var samples: [IncidentSample] = []
    let residentAfter: Double?
    do {
        if let pidFile = options.pidFile {
            try "\(daemon.pid)\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        }
        try daemon.waitUntilReady(port: port)
        let driver = try IncidentDriver(port: port, recorder: recorder)
        warmup = try driver.measure(region: IncidentWebhook.region(nil))
        for index in 0..<options.incidents {
            samples.append(try driver.measure(region: IncidentWebhook.region(index)))
        }
        residentAfter = daemon.residentMegabytes
    } catch {
        daemon.stop()
        print("failoverd's log:\n\(daemon.output)")
        throw error
    }
    let status = daemon.stop()
    let requests = recorder.zone.requestCount
    let writes = recorder.zone.writeCount

    // The split. From the audit events (truncated wall-clock milliseconds, so half a millisecond is added to
    // centre them): 200 -> claim (`runbook.started`), claim -> step recorded as started (`runbook.step_started`).
    // From the fake provider's stamps: step started -> first provider request, and first request -> first write
    // (the zone lookup and the record read, each an HTTP exchange of its own).
    let timeline = try ExecutionTimeline(databasePath: databasePath)
    var toClaim: [Double] = []
    var claimToWrite: [Double] = []
    var claimToStep: [Double] = []
    var stepToRequest: [Double] = []
    var requestToWrite: [Double] = []
    for sample in samples {
        guard let entry = timeline.byRegion[sample.region], let claimed = entry.claimedAtMilliseconds,
            let stepped = entry.firstStepAtMilliseconds
        else { throw BenchError("no runbook.started or runbook.step_started event for \(sample.region)") }
        let claim = Double(claimed) + 0.5
        let step = Double(stepped) + 0.5
        let firstRequest = sample.reads.first ?? sample.write
        toClaim.append(claim - sample.answer.answeredAtWallMilliseconds)
        claimToWrite.append(sample.write.arrivedAtWallMilliseconds - claim)
        claimToStep.append(step - claim)
        stepToRequest.append(firstRequest.arrivedAtWallMilliseconds - step)
        requestToWrite.append(sample.milliseconds - sample.millisecondsToFirstRequest)
    }
    let succeeded = samples.filter { timeline.byRegion[$0.region]?.state == "succeeded" }.count

    let latency = LatencyDistribution(samples.map(\.milliseconds))
    let claims = LatencyDistribution(toClaim)
    let afterClaim = LatencyDistribution(claimToWrite)
    let steps = LatencyDistribution(claimToStep)
    let firstRequests = LatencyDistribution(stepToRequest)
    let exchanges = LatencyDistribution(requestToWrite)
    let f = LatencyDistribution.format
    let rss = residentAfter.map { String(format: "%.1f", $0) } ?? "?"
    print(
        "webhook 200 -> first DNS write at the fake Linode, \(latency.count) incidents one at a time: "
            + "p50 \(f(latency.percentile(50))) ms, p90 \(f(latency.percentile(90))) ms, "
            + "p99 \(f(latency.percentile(99))) ms, max \(f(latency.maximum)) ms (first incident after start, "
            + "not counted: \(f(warmup.milliseconds)) ms)")
    print(
        "  split (p50 / p99): 200 -> claim \(f(claims.percentile(50))) / \(f(claims.percentile(99))) ms, "
            + "claim -> first write \(f(afterClaim.percentile(50))) / \(f(afterClaim.percentile(99))) ms")
    print(
        "  claim -> first write (means): claim -> step recorded as started \(f(steps.mean)) ms, "
            + "-> first provider request \(f(firstRequests.mean)) ms, -> write (\(samples.first?.reads.count ?? 0) "
            + "reads before it) \(f(exchanges.mean)) ms; audit times are truncated wall-clock ms")
    print(
        "  \(succeeded) of \(samples.count) failovers succeeded; \(writes) writes and \(requests) requests at the "
            + "fake provider; failoverd RSS after the run \(rss) MB")
    print(
        "ENGINE incidents=\(latency.count) p50_ms=\(f(latency.percentile(50))) p90_ms=\(f(latency.percentile(90))) "
            + "p99_ms=\(f(latency.percentile(99))) max_ms=\(f(latency.maximum)) first_ms=\(f(warmup.milliseconds)) "
            + "to_claim_p50_ms=\(f(claims.percentile(50))) to_claim_p99_ms=\(f(claims.percentile(99))) "
            + "claim_to_write_p50_ms=\(f(afterClaim.percentile(50))) "
            + "claim_to_write_p99_ms=\(f(afterClaim.percentile(99))) "
            + "claim_to_step_mean_ms=\(f(steps.mean)) step_to_request_mean_ms=\(f(firstRequests.mean)) "
            + "request_to_write_mean_ms=\(f(exchanges.mean)) succeeded=\(succeeded) "
            + "provider_requests=\(requests) rss_after_mb=\(rss)")
    if succeeded != samples.count { throw BenchError("\(samples.count - succeeded) failovers did not succeed") }
    guard status == 0 else {
        throw BenchError("failoverd did not stop cleanly (\(status.map { "exit \($0)" } ?? "killed"))")
    }
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("failoverd-engine-bench: \(error)\n".utf8))
    exit(1)
}
