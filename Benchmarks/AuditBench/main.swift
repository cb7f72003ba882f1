// failoverd-audit-bench: builds an audit log of 1,000,000 events in a temporary database and prints what
// operators and the webhook path will feel: append cost inside a transaction, filtered page latency, verify
// time, size on disk. Run in release mode: `swift build -c release --product failoverd-audit-bench`.
import FailoverCore
import FailoverStore
import Foundation
import GRDB
import Logging

let eventCount = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1_000_000
let batchSize = 256
let queriesPerKind = 200
let runbooks = (0..<200).map { "runbook-\($0)" }
let fingerprints = (0..<5000).map { String(format: "%016llx", UInt64($0) &* 0x9E37_79B9_7F4A_7C15) }
let alertnames = (0..<50).map { "Alert\($0)Unhealthy" }
let base: Int64 = 1_795_279_038_000
// About 30 days of history: one event every 2.6 s.
let spacing: Int64 = 2_600

/// A small deterministic generator (SplitMix64), so every run builds the same log.
struct Generator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

/// The i-th event: 55 % webhook deliveries, 20 % episode transitions, 25 % runbook decisions.
func draft(_ index: Int, _ random: inout Generator) -> AuditEventDraft {
    let time = base + Int64(index) * spacing
    let roll = random.below(100)
    let fingerprint = fingerprints[random.below(fingerprints.count)]
    let alertname = alertnames[random.below(alertnames.count)]
    if roll < 55 {
        return AuditEventDraft(
            type: .webhookReceived, actor: "webhook", recordedAtMilliseconds: time,
            detail: [
                "delivery": .integer(Int64(index)), "group_key": "{}:{alertname=\"\(alertname)\"}", "alerts": 2,
                "firing": 1, "resolved": 1, "truncated": 0, "remote_address": "10.0.0.7",
                "authenticated_as": "bearer", "body_sha256": .string(String(repeating: "ab", count: 32)),
            ])
    }
    if roll < 75 {
        let types: [AuditEventType] = [.episodeOpened, .episodeDuplicate, .episodeResolved]
        return AuditEventDraft(
            type: types[random.below(3)], actor: "webhook", recordedAtMilliseconds: time,
            episode: Int64(random.below(100_000)), fingerprint: fingerprint, alertname: alertname,
            detail: ["delivery": .integer(Int64(index)), "starts_at": "2026-11-21T16:37:18.416Z"])
    }
    let types: [AuditEventType] = [
        .runbookScheduled, .runbookStarted, .runbookStepStarted, .runbookStepFinished, .runbookFinished,
        .runbookFailed, .runbookSuppressed,
    ]
    let type = types[random.below(types.count)]
    return AuditEventDraft(
        type: type, actor: "engine", recordedAtMilliseconds: time,
        outcome: type == .runbookFailed ? .failure : type == .runbookSuppressed ? .suppressed : .success,
        episode: Int64(random.below(100_000)), execution: Int64(random.below(50_000)),
        runbook: runbooks[random.below(runbooks.count)], fingerprint: fingerprint, alertname: alertname,
        detail: [
            "step": "set-record", "before": "203.0.113.10", "after": "198.51.100.20",
            "request_id": .string("req-\(index)"),
        ])
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func percentile(_ samples: [Duration], _ fraction: Double) -> Double {
    let sorted = samples.sorted()
    let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
    return seconds(sorted[max(0, index)]) * 1000
}

let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent(
    "failoverd-audit-bench-\(UUID().uuidString.prefix(8))")
let path = (directory as NSString).appendingPathComponent("bench.db")
defer { try? FileManager.default.removeItem(atPath: directory) }
var logger = Logger(label: "audit-bench")
logger.logLevel = .warning
let store = try StateStore(path: path, logger: logger)
let clock = ContinuousClock()

// Append through a writer connection configured as the store's (WAL, synchronous=FULL), in transactions of
// 256 events, as the webhook group commit will.
var configuration = Configuration()
configuration.busyMode = .timeout(10)
configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
let connection = try DatabaseQueue(path: path, configuration: configuration)
var random = Generator(state: 42)
var appendTime = Duration.zero
let buildStarted = clock.now
var writer: AuditWriter? = AuditWriter()
var written = 0
while written < eventCount {
    let count = min(batchSize, eventCount - written)
    let drafts = (0..<count).map { draft(written + $0, &random) }
    try connection.write { db in
        let started = clock.now
        for item in drafts { _ = try writer!.append(item, in: db) }
        appendTime += clock.now - started
    }
    written += count
}
let buildTime = clock.now - buildStarted
try connection.writeWithoutTransaction { db in
    writer = nil
    _ = try db.checkpoint(.truncate)
}
print("audit log: \(eventCount) events built in \(String(format: "%.1f", seconds(buildTime))) s")
print(
    String(
        format: "append: %.2f µs per event inside a transaction (%.0f events/s of writer time); %.0f events/s "
            + "with a commit (fsync) per %d", seconds(appendTime) / Double(eventCount) * 1e6,
        Double(eventCount) / seconds(appendTime), Double(eventCount) / seconds(buildTime), batchSize))

// The pure part of an append (canonical encoding and SHA-256), without SQLite.
do {
    var random = Generator(state: 42)
    let drafts = (0..<100_000).map { draft($0, &random) }
    var buffer: [UInt8] = []
    var previous = AuditHash.genesis
    let started = clock.now
    for (index, item) in drafts.enumerated() {
        previous = AuditEvent(draft: item, id: Int64(index + 1), previous: previous, buffer: &buffer).hash
    }
    let elapsed = clock.now - started
    print(String(format: "  of which encoding and SHA-256: %.2f µs per event", seconds(elapsed) / 1e5 * 1e6))
}

// Size on disk, after checkpointing the log into the main file.
let pageBytes = try connection.read { db -> Int64 in
    let pages = try Int64.fetchOne(db, sql: "PRAGMA page_count") ?? 0
    let size = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 0
    return pages * size
}
let tableBytes = try connection.read { db -> [(String, Int64)] in
    let rows = try? Row.fetchAll(
        db, sql: "SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC")
    return (rows ?? []).map { ($0["name"], $0["bytes"]) }
}
print(
    String(
        format: "size: %.1f MB database, %.1f MB per million events", Double(pageBytes) / 1e6,
        Double(pageBytes) / 1e6 * 1_000_000 / Double(eventCount)))
for (name, bytes) in tableBytes where name.hasPrefix("audit") {
    print("  \(name): " + String(format: "%.1f MB", Double(bytes) / 1e6))
}

// Filtered pages of 100, newest first, as an operator's dashboard asks them.
func measure(_ label: String, _ makeQuery: (inout Generator) -> AuditQuery) async throws {
    var random = Generator(state: 7)
    var samples: [Duration] = []
    var returned = 0
    for _ in 0..<queriesPerKind {
        let query = makeQuery(&random)
        let started = clock.now
        let page = try await store.auditPage(query)
        samples.append(clock.now - started)
        returned += page.events.count
    }
    print(
        "page of 100 by \(label): "
            + String(
                format: "p50 %.2f ms, p99 %.2f ms (%d queries, %.0f events per page)", percentile(samples, 0.5),
                percentile(samples, 0.99), queriesPerKind, Double(returned) / Double(queriesPerKind)))
}
let end = base + Int64(eventCount) * spacing
try await measure("runbook") { AuditQuery(runbook: runbooks[$0.below(runbooks.count)], limit: 100) }
try await measure("fingerprint") { AuditQuery(fingerprint: fingerprints[$0.below(fingerprints.count)], limit: 100) }
try await measure("time range (1 h)") { random in
    let since = base + Int64(random.below(max(1, Int(end - base - 3_600_000))))
    return AuditQuery(since: since, until: since + 3_600_000, limit: 100)
}
try await measure("runbook + failures") {
    AuditQuery(runbook: runbooks[$0.below(runbooks.count)], outcome: .failure, limit: 100)
}
try await measure("type + time range (1 d)") { random in
    let since = base + Int64(random.below(max(1, Int(end - base - 86_400_000))))
    return AuditQuery(since: since, until: since + 86_400_000, type: .runbookFailed, limit: 100)
}
try await measure("cursor page 5 of a runbook") { random in
    AuditQuery(
        runbook: runbooks[random.below(runbooks.count)], limit: 100,
        cursor: AuditCursor(beforeID: Int64(eventCount / 2)))
}

// Verify the whole chain.
let verifyStarted = clock.now
let verification = try await store.verifyAuditLog()
print(
    String(format: "verify: %.2f s for %d events", seconds(clock.now - verifyStarted), verification.eventCount)
        + " (\(verification))")
store.close()
