extension AuditEvent {
    /// The event as one JSON object: the canonical encoding with `"hash"` (lower-case hex) added in its sorted
    /// place. It is itself RFC 8785 canonical, so removing `hash` gives back the bytes the hash covers.
    public var json: String {
        var bytes: [UInt8] = []
        appendJSON(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``json``.
    public func appendJSON(to out: inout [UInt8]) {
        appendObject(id: id, includingHash: true, to: &out)
    }

    /// One NDJSON line: ``json`` and `\n` (newlines inside values are escaped, so a line is always one event).
    public var ndjsonLine: String {
        var bytes: [UInt8] = []
        appendNDJSONLine(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``ndjsonLine``.
    public func appendNDJSONLine(to out: inout [UInt8]) {
        appendJSON(to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    /// The CSV header line (RFC 4180, CRLF): the columns of ``csvRecord``.
    public static let csvHeader =
        "id,time,type,actor,outcome,episode,execution,runbook,fingerprint,alertname,detail,hash\r\n"

    /// One CSV record (RFC 4180): fields holding a comma, a double quote, CR or LF are quoted with inner quotes
    /// doubled; absent subjects are empty fields; `detail` is its JSON text; text is UTF-8 as is; the record
    /// ends with CRLF.
    public var csvRecord: String {
        var bytes: [UInt8] = []
        appendCSVRecord(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``csvRecord``.
    public func appendCSVRecord(to out: inout [UInt8]) {
        AuditJSON.appendInteger(id, to: &out)
        out.append(UInt8(ascii: ","))
        AuditTime.appendRFC3339(milliseconds: recordedAtMilliseconds, to: &out)
        out.append(UInt8(ascii: ","))
        Self.appendCSVField(type.rawValue, to: &out)
        out.append(UInt8(ascii: ","))
        Self.appendCSVField(actor, to: &out)
        out.append(UInt8(ascii: ","))
        Self.appendCSVField(outcome.rawValue, to: &out)
        out.append(UInt8(ascii: ","))
        if let episode { AuditJSON.appendInteger(episode, to: &out) }
        out.append(UInt8(ascii: ","))
        if let execution { AuditJSON.appendInteger(execution, to: &out) }
        out.append(UInt8(ascii: ","))
        if let runbook { Self.appendCSVField(runbook, to: &out) }
        out.append(UInt8(ascii: ","))
        if let fingerprint { Self.appendCSVField(fingerprint, to: &out) }
        out.append(UInt8(ascii: ","))
        if let alertname { Self.appendCSVField(alertname, to: &out) }
        out.append(UInt8(ascii: ","))
        Self.appendCSVField(detail.json, to: &out)
        out.append(UInt8(ascii: ","))
        hash.appendHex(to: &out)
        out.append(contentsOf: [0x0D, 0x0A])
    }

    /// Appends one field, quoted only when it must be.
    static func appendCSVField(_ text: String, to out: inout [UInt8]) {
        let needsQuotes = text.utf8.contains { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0D || byte == 0x0A
        }
        guard needsQuotes else {
            out.append(contentsOf: text.utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { out.append(UInt8(ascii: "\"")) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}
