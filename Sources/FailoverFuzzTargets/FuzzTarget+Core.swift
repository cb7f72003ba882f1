import FailoverCore
import Foundation

extension FuzzTarget {
    /// Alertmanager's webhook body through the JSON reader and the payload decoder: any bytes either decode or
    /// are refused with a decoding error, the same way every time.
    public static let webhookDecoder = FuzzTarget(
        name: "webhook", summary: "AlertmanagerWebhook.decode (the body of POST /webhook)"
    ) { (input: [UInt8]) throws(FuzzFinding) in
        let first = Result { () throws(WebhookDecodingError) in try AlertmanagerWebhook.decode(input) }
        let second = Result { () throws(WebhookDecodingError) in try AlertmanagerWebhook.decode(input) }
        switch (first, second) {
        case (.success(let a), .success(let b)):
            guard a.alerts.count == b.alerts.count, a.receiver == b.receiver else {
                throw FuzzFinding(target: "webhook", "decoding the same body twice gave two webhooks")
            }
        case (.failure(let a), .failure(let b)):
            guard a.description == b.description else {
                throw FuzzFinding(target: "webhook", "decoding the same body twice gave two errors: \(a) / \(b)")
            }
        default:
            throw FuzzFinding(target: "webhook", "decoding the same body twice succeeded once")
        }
    }

    /// A runbook's `match:` entry: a matcher that parses prints a text that parses to an equal matcher, and
    /// matching any label value terminates (the regex engine is linear; libFuzzer's timeout catches a hang).
    public static let matcherParser = FuzzTarget(
        name: "matcher", summary: "AlertMatcher(parsing:), its canonical text, and matching (RE2 engine)"
    ) { (input: [UInt8]) throws(FuzzFinding) in
        // The first line is the matcher, the rest are label values to match.
        let text = String(decoding: input, as: UTF8.self)
        let lines = text.split(separator: "\n", maxSplits: 8, omittingEmptySubsequences: false).map(String.init)
        guard let matcher = try? AlertMatcher(parsing: lines[0]) else { return }
        let reparsed: AlertMatcher
        do throws(MatcherSyntaxError) {
            reparsed = try AlertMatcher(parsing: matcher.description)
        } catch {
            throw FuzzFinding(target: "matcher", "\(matcher) does not parse again: \(error)")
        }
        guard reparsed == matcher else {
            throw FuzzFinding(target: "matcher", "\(lines[0]) printed as \(matcher) parses to \(reparsed)")
        }
        for value in lines.dropFirst() + [""] {
            let labels = [matcher.name: value]
            guard matcher.matches(labels) == reparsed.matches(labels) else {
                throw FuzzFinding(target: "matcher", "\(matcher) and its reparse disagree on \(value.debugDescription)")
            }
        }
    }

    /// Runbook templates (`{{ labels.x }}` in URLs, bodies, argv): a template that parses renders under every
    /// escaping, and the JSON escaping of a value is a valid JSON string.
    public static let templateRenderer = FuzzTarget(
        name: "template", summary: "RunbookTemplate(parsing:) and render under none, json and urlComponent"
    ) { (input: [UInt8]) throws(FuzzFinding) in
        let text = String(decoding: input, as: UTF8.self)
        let parts = text.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
        let value = parts.count > 1 ? String(parts[1]) : text
        let context = TemplateContext(
            labels: ["region": value, "instance": "db-1"], annotations: ["summary": value], runbook: "regional",
            executionID: 7, incidentID: nil, executionKind: "failover")
        if let template = try? RunbookTemplate(parsing: String(parts[0])) {
            for escaping in [TemplateEscaping.none, .json, .urlComponent] {
                _ = template.render(context, escaping: escaping)
            }
        }
        // A value alone, JSON-escaped inside quotes, must read back as itself.
        guard let only = try? RunbookTemplate(parsing: "{{ labels.region }}") else {
            throw FuzzFinding(target: "template", "the plain label template does not parse")
        }
        let quoted = Data(("[\"" + only.render(context, escaping: .json) + "\"]").utf8)
        guard let array = try? JSONSerialization.jsonObject(with: quoted) as? [String], array == [value] else {
            throw FuzzFinding(target: "template", "the JSON escaping of \(value.debugDescription) does not read back")
        }
        let encoded = only.render(context, escaping: .urlComponent)
        guard encoded.utf8.allSatisfy(Self.isURLComponentByte) else {
            throw FuzzFinding(target: "template", "the URL escaping of \(value.debugDescription) left \(encoded)")
        }
    }

    /// The audit API's query parameters (`GET /api/v1/audit?…`, `failoverd audit query`): any pairs either make
    /// a query or are refused with an error that names a parameter.
    public static let auditQueryParser = FuzzTarget(
        name: "audit-query", summary: "AuditQuery(parameters:now:) from name=value pairs split on & and ="
    ) { (input: [UInt8]) throws(FuzzFinding) in
        let text = String(decoding: input, as: UTF8.self)
        let pairs = text.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(halves[0]), halves.count > 1 ? String(halves[1]) : "")
        }
        do throws(AuditQueryError) {
            _ = try AuditQuery(parameters: pairs, now: 1_795_279_038_000, ignoring: ["format"])
        } catch {
            guard !error.description.isEmpty else {
                throw FuzzFinding(target: "audit-query", "an empty error for \(text.debugDescription)")
            }
        }
    }

    private static func isURLComponentByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }
}
