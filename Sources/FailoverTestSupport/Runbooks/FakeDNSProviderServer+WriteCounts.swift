extension FakeDNSProviderServer {
    /// The write requests (POST, PUT, PATCH, DELETE) received per path, so a test can count how often each record
    /// was written: `PUT /v4/domains/1065421/records/9295232` → 1.
    public var writeRequestsByPath: [String: Int] {
        var counts: [String: Int] = [:]
        for request in requests where request.isWrite {
            counts["\(request.method.rawValue) \(request.path)", default: 0] += 1
        }
        return counts
    }

    /// The write requests received for the record with id `recordID` (its path ends in `/records/<id>`), whatever
    /// their answer: a write the fake held back or answered with an error counts too.
    public func writeRequestCount(record recordID: Int) -> Int {
        requests.filter { $0.isWrite && $0.path.hasSuffix("/records/\(recordID)") }.count
    }

    /// The write requests for the record with id `recordID` that the fake has not answered yet (a held-back or
    /// delayed write in flight).
    public func unansweredWriteCount(record recordID: Int) -> Int {
        requests.filter { $0.isWrite && $0.path.hasSuffix("/records/\(recordID)") && $0.status == 0 }.count
    }

    /// The targets of the records `name`/`type` in `zone`, sorted.
    public func targets(zone: String, name: String, type: String = "A") -> [String] {
        records(zone: zone, name: name, type: type).map(\.target).sorted()
    }
}
