extension AuditEvent {
    /// The bytes the hash chain covers: the event as one RFC 8785 JSON object without its hash.
    ///
    /// Every member is always present, `null` when a subject is absent, in this (sorted) order:
    ///
    /// ```
    /// {"actor":"webhook","alertname":"PrimaryRegionUnhealthy","detail":{"delivery":12},"episode":7,
    ///  "execution":null,"fingerprint":"7f3afce3415c4ace","id":42,"outcome":"success","runbook":null,
    ///  "time":"2026-11-21T16:37:18.416Z","type":"episode.opened"}
    /// ```
    ///
    /// (one line, no whitespace). JSON with sorted keys was chosen over a length-prefixed binary form because an
    /// auditor can rebuild it with any RFC 8785 implementation from an NDJSON export (drop `hash`, canonicalize,
    /// hash), and because `detail` is already JSON: it is embedded as its stored text, so editing or reformatting
    /// it changes the bytes.
    public var canonicalEncoding: [UInt8] {
        var bytes: [UInt8] = []
        appendCanonicalEncoding(to: &bytes)
        return bytes
    }

    /// Appends ``canonicalEncoding``.
    public func appendCanonicalEncoding(to out: inout [UInt8]) {
        appendObject(id: id, includingHash: false, to: &out)
    }

    /// The canonical encoding as if the event stood at `id` (to recognise an event moved to another id).
    func canonicalEncoding(asID id: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        appendObject(id: id, includingHash: false, to: &bytes)
        return bytes
    }

    /// Appends the object with its members sorted; with `includingHash`, `"hash"` comes between `fingerprint`
    /// and `id`.
    func appendObject(id: Int64, includingHash: Bool, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 256 + detail.json.utf8.count)
        out.append(contentsOf: #"{"actor":"#.utf8)
        AuditJSON.appendString(actor, to: &out)
        out.append(contentsOf: #","alertname":"#.utf8)
        AuditJSON.appendString(alertname, to: &out)
        out.append(contentsOf: #","detail":"#.utf8)
        out.append(contentsOf: detail.json.utf8)
        out.append(contentsOf: #","episode":"#.utf8)
        AuditJSON.appendInteger(episode, to: &out)
        out.append(contentsOf: #","execution":"#.utf8)
        AuditJSON.appendInteger(execution, to: &out)
        out.append(contentsOf: #","fingerprint":"#.utf8)
        AuditJSON.appendString(fingerprint, to: &out)
        if includingHash {
            out.append(contentsOf: #","hash":""#.utf8)
            hash.appendHex(to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: #","id":"#.utf8)
        AuditJSON.appendInteger(id, to: &out)
        out.append(contentsOf: #","outcome":"#.utf8)
        AuditJSON.appendString(outcome.rawValue, to: &out)
        out.append(contentsOf: #","runbook":"#.utf8)
        AuditJSON.appendString(runbook, to: &out)
        out.append(contentsOf: #","time":""#.utf8)
        AuditTime.appendRFC3339(milliseconds: recordedAtMilliseconds, to: &out)
        out.append(contentsOf: #"","type":"#.utf8)
        AuditJSON.appendString(type.rawValue, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
