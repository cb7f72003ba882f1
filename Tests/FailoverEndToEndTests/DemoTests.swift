import FailoverTestSupport
import Foundation
import Testing

/// `make demo` runs `failoverd-demo`: the narrated outage and recovery with real Prometheus and Alertmanager.
@Suite("make demo", .serialized)
struct DemoTests {
    @Test(
        "the demo tells the failover and the failback, the audit, the timing, and stops everything it started",
        .timeLimit(.minutes(4)))
    func demo() async throws {
        let binary = (PackagePaths.failoverdBinary as NSString).deletingLastPathComponent + "/failoverd-demo"
        try #require(
            FileManager.default.isExecutableFile(atPath: binary), "build it: swift build --product failoverd-demo")
        let logs = try TemporaryDirectory(prefix: "demo-test")
        defer { logs.remove() }
        let demo = try ChildProcess(
            executable: binary, arguments: [], directory: logs.path, logPath: logs.file("demo.log"))
        let status = await demo.waitForExit(timeout: .seconds(200))
        if status == nil { await demo.stop() }
        let output = demo.output
        #expect(status == 0, "\(output)")
        for line in [
            "✗ the primary is down", "Prometheus: PrimaryRegionUnhealthy firing", "webhook from Alertmanager: opened",
            "DNS now: Linode example.com app A 198.51.100.5 · DigitalOcean example.org app A 198.51.100.6",
            "✓ the primary is back",
            "DNS now: Linode example.com app A 192.0.2.1 · DigitalOcean example.org app A 192.0.2.2",
            "hash chain: intact", "failoverd (webhook 200 → both DNS written):", "stopped Prometheus, Alertmanager",
        ] {
            #expect(output.contains(line), "missing \(line) in:\n\(output)")
        }
        // Nothing it started is left: no process still names its working directory.
        let directory = output.split(separator: "\n").first { $0.contains("working directory ") }
            .flatMap { $0.split(separator: " ").first { $0.hasPrefix("/") } }.map(String.init)
        let workingDirectory = try #require(directory, "\(output)")
        #expect(Self.processes(naming: workingDirectory).isEmpty, "left running")
    }

    /// The command lines of running processes that contain `text`.
    static func processes(naming text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { Int($0) != nil }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            return line.contains(text) ? "\(pid): \(line)" : nil
        }
    }
}
