import Foundation

/// What the fake Linode holds and has seen: one record's current target and TTL, and every request with its
/// arrival time. Writers are the server's polling thread; readers are the benchmark's main thread, which can wait
/// for the next write without polling.
final class RecordedZone: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var target: String
    private var ttl: Int
    private var requests: [RecordedRequest] = []
    private var writes = 0

    /// Creates the zone with its record at `target`.
    init(target: String, ttl: Int) {
        self.target = target
        self.ttl = ttl
    }

    /// The record's target and TTL now.
    var current: (target: String, ttl: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (target, ttl)
    }

    /// Requests received so far (reads and writes).
    var requestCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return requests.count
    }

    /// Writes received so far.
    var writeCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return writes
    }

    /// Records a request; a write also changes the record (fields that are `nil` stay) and wakes a waiting
    /// ``waitForWrite(after:timeout:)``.
    func record(_ request: RecordedRequest, target newTarget: String? = nil, ttl newTTL: Int? = nil) {
        condition.lock()
        requests.append(request)
        if request.isWrite {
            writes += 1
            if let newTarget { target = newTarget }
            if let newTTL { ttl = newTTL }
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Puts the record back to `target` (between incidents; not a request the benchmark measures).
    func reset(target newTarget: String, ttl newTTL: Int) {
        condition.lock()
        target = newTarget
        ttl = newTTL
        condition.unlock()
    }

    /// The first write among the requests after the first `skipping` ones, and every request before it from there,
    /// waiting up to `timeout` seconds; `nil` if no write arrived in time.
    func waitForWrite(
        after skipping: Int, timeout: TimeInterval
    ) -> (write: RecordedRequest, before: [RecordedRequest])? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if requests.count > skipping, let index = requests[skipping...].firstIndex(where: \.isWrite) {
                return (requests[index], Array(requests[skipping..<index]))
            }
            if !condition.wait(until: deadline) { return nil }
        }
    }
}
