import Foundation
import Prometheus
import Synchronization

/// The process metrics every exporter has, with the names Prometheus' client libraries use, read from `/proc` at
/// each scrape: resident and virtual memory, CPU time, open and allowed file descriptors, start time.
final class ProcessMetrics: Sendable {
    private let resident: Gauge
    private let virtual: Gauge
    private let cpu: Counter
    private let openDescriptors: Gauge
    private let maxDescriptors: Gauge
    private let startTime: Gauge
    /// CPU seconds already counted: the counter grows by the difference at each scrape.
    private let countedCPU = Mutex(0.0)
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    private static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    init(registry: PrometheusCollectorRegistry) {
        resident = registry.makeGauge(
            descriptor: .named("process_resident_memory_bytes", help: "Resident memory size in bytes."))
        virtual = registry.makeGauge(
            descriptor: .named("process_virtual_memory_bytes", help: "Virtual memory size in bytes."))
        cpu = registry.makeCounter(
            descriptor: .named("process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds."))
        openDescriptors = registry.makeGauge(
            descriptor: .named("process_open_fds", help: "Number of open file descriptors."))
        maxDescriptors = registry.makeGauge(
            descriptor: .named("process_max_fds", help: "Maximum number of open file descriptors."))
        startTime = registry.makeGauge(
            descriptor: .named(
                "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds."))
        if let started = Self.startTime() { startTime.set(started) }
    }

    /// Reads `/proc/self` and sets every metric; a file that cannot be read leaves its metrics as they were.
    func update() {
        // /proc/self/stat: fields after the command name (in parentheses, which may hold spaces).
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // Field 14 utime and 15 stime are fields[11] and [12] here; 23 vsize [20]; 24 rss pages [21].
            if fields.count > 21, let user = Double(fields[11]), let system = Double(fields[12]) {
                let total = (user + system) / Self.ticksPerSecond
                let delta = countedCPU.withLock { counted -> Double in
                    let delta = max(0, total - counted)
                    counted = max(counted, total)
                    return delta
                }
                if delta > 0 { cpu.increment(by: delta) }
                if let size = Double(fields[20]) { virtual.set(size) }
                if let pages = Double(fields[21]) { resident.set(pages * Self.pageSize) }
            }
        }
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            // The listing itself holds one descriptor open while it reads.
            openDescriptors.set(Double(max(0, descriptors.count - 1)))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { maxDescriptors.set(Double(limit.rlim_cur)) }
    }

    /// Boot time (`btime` of `/proc/stat`) plus the process's start in clock ticks since boot (field 22).
    private static func startTime() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")"),
            let system = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let bootLine = system.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let boot = Double(bootLine.dropFirst(6).trimmingCharacters(in: .whitespaces))
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let ticks = Double(fields[19]) else { return nil }
        return boot + ticks / ticksPerSecond
    }
}
