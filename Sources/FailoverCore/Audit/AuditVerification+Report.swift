/// The verdict as `failoverd audit verify` prints it and `GET /api/v1/audit/verify` answers it.
extension AuditVerification {
    /// The text report: ``description`` first, then the head (as an anchor, `head ID:HASH`), the signed head and
    /// the anchor when there are any; one line each, newline-terminated.
    public var report: String {
        var lines = [description]
        if let head { lines.append("head \(head)") }
        if let signedHead {
            let after = eventsAfterSignedHead ?? 0
            lines.append(
                "signed head \(signedHead.headID):\(signedHead.headHash.hex), signed \(signedHead.signedAt) "
                    + "with key \(signedHead.keyID); \(after) event\(after == 1 ? "" : "s") after it")
        }
        if let anchor { lines.append("anchor \(anchor) reached") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One JSON object: `intact`, `events`, `first_id`, `head` (`{"id", "hash"}` or `null`), `signed_head`
    /// (`{"id", "hash", "signed_at", "key_id", "events_after"}` or `null`), `anchor`, `break`
    /// (`{"id", "kind", "message"}` or `null`) and `result` (``description``); no newline.
    public var json: String {
        func object(_ fields: [(String, String)]) -> String {
            "{" + fields.map { "\(JSONText.quote($0.0)):\($0.1)" }.joined(separator: ",") + "}"
        }
        func anchorObject(_ anchor: AuditAnchor?) -> String {
            guard let anchor else { return "null" }
            return object([("id", "\(anchor.id)"), ("hash", anchor.hash.map { JSONText.quote($0.hex) } ?? "null")])
        }
        let signed = signedHead.map { head in
            object([
                ("id", "\(head.headID)"), ("hash", JSONText.quote(head.headHash.hex)),
                ("signed_at", JSONText.quote(head.signedAt)), ("key_id", JSONText.quote(head.keyID)),
                ("events_after", "\(eventsAfterSignedHead ?? 0)"),
            ])
        }
        let broken = firstBreak.map { found in
            object([
                ("id", "\(found.id)"), ("kind", JSONText.quote(found.kind.name)),
                ("message", JSONText.quote(found.description)),
            ])
        }
        return object([
            ("intact", "\(isIntact)"), ("events", "\(eventCount)"), ("first_id", firstID.map { "\($0)" } ?? "null"),
            ("head", anchorObject(head)), ("signed_head", signed ?? "null"), ("anchor", anchorObject(anchor)),
            ("break", broken ?? "null"), ("result", JSONText.quote(description)),
        ])
    }
}
