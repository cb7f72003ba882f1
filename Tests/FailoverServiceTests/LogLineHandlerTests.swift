import FailoverService
import Foundation
import Logging
import Synchronization
import Testing

@testable import FailoverService

@Suite("Log lines: logfmt and JSON, one line per event")
struct LogLineHandlerTests {
    static let time = Date(timeIntervalSince1970: 1_796_122_454.5)

    @Test("logfmt: time, level, message and sorted fields; values with spaces, quotes or = are quoted and escaped")
    func logfmt() {
        let line = LogLineHandler.line(
            format: .logfmt, time: Self.time, level: .notice, message: "execution started", source: "FailoverEngine",
            fields: ["runbook": "failover-us-east", "execution": "12", "error": "a \"b\"\nc=d", "empty": ""])
        #expect(
            line == """
                ts=2026-12-01T10:54:14.500Z level=notice msg="execution started" source=FailoverEngine empty="" \
                error="a \\"b\\"\\nc=d" execution=12 runbook=failover-us-east

                """)
    }

    @Test("JSON: one object per line that parses, with the fields as strings; control characters escaped")
    func json() throws {
        let line = LogLineHandler.line(
            format: .json, time: Self.time, level: .error, message: "step failed\t\u{1}", source: "",
            fields: ["execution": "7", "msg": "shadowed"])
        #expect(line.hasSuffix("}\n"))
        #expect(!line.dropLast().contains("\n"))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(
            object == [
                "ts": "2026-12-01T10:54:14.500Z", "level": "error", "msg": "step failed\t\u{1}", "execution": "7",
            ])
    }

    @Test("the handler merges its own metadata under the event's and writes through its output")
    func handler() {
        let lines = Mutex<[String]>([])
        var handler = LogLineHandler(
            label: "test", format: .logfmt, level: .info,
            output: LogLineOutput(write: { line in lines.withLock { $0.append(line) } }))
        handler[metadataKey: "service"] = "failoverd"
        let logger = Logger(label: "test", factory: { _ in handler })
        logger.debug("not written")
        logger.info("written", metadata: ["service": "override", "execution": "3"])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        #expect(written.first?.contains(#"msg=written"#) == true)
        #expect(written.first?.contains("execution=3 service=override") == true)
    }
}
