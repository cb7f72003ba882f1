import FailoverCore
import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one line per event to standard error, as logfmt (the Prometheus ecosystem's
/// default: `ts=… level=info msg="…" execution=12`) or as one JSON object per line, for log pipelines.
///
/// Every event carries its metadata (execution, runbook, episode, … ids that find it in the audit log) as fields,
/// sorted by key, so the same event always reads the same way. Handlers write whole lines under one lock, so lines
/// of concurrent tasks never interleave.
public struct LogLineHandler: LogHandler {
    /// How lines are written.
    public enum Format: String, Sendable, CaseIterable {
        /// `key=value` pairs; values with spaces, quotes or `=` are quoted.
        case logfmt
        /// One JSON object per line.
        case json
    }

    /// Level, format and the label of the logger.
    public var logLevel: Logger.Level
    /// The handler's own metadata, merged under each event's.
    public var metadata: Logger.Metadata = [:]
    private let format: Format
    private let label: String
    private let output: LogLineOutput

    /// Creates a handler for the logger `label`, writing to `output` (standard error by default).
    public init(label: String, format: Format, level: Logger.Level, output: LogLineOutput = .standardError) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        let line = Self.line(
            format: format, time: Date(), level: event.level, message: event.message.description,
            source: event.source, fields: fields)
        output.write(line)
    }

    /// The line of one event (with its newline).
    static func line(
        format: Format, time: Date, level: Logger.Level, message: String, source: String, fields: Logger.Metadata
    ) -> String {
        let timestamp = Self.timestamp(time)
        let sorted = fields.sorted { $0.key < $1.key }
        switch format {
        case .logfmt:
            var line = "ts=\(timestamp) level=\(level.rawValue) msg=\(Self.logfmtValue(message))"
            if !source.isEmpty { line += " source=\(Self.logfmtValue(source))" }
            for (key, value) in sorted {
                line += " \(Self.logfmtKey(key))=\(Self.logfmtValue(value.description))"
            }
            return line + "\n"
        case .json:
            var line = "{\"ts\":\"\(timestamp)\",\"level\":\"\(level.rawValue)\",\"msg\":\(Self.jsonString(message))"
            if !source.isEmpty { line += ",\"source\":\(Self.jsonString(source))" }
            for (key, value) in sorted where !["ts", "level", "msg", "source"].contains(key) {
                line += ",\(Self.jsonString(key)):\(Self.jsonString(value.description))"
            }
            return line + "}\n"
        }
    }

    /// RFC 3339 in UTC with milliseconds, computed without a date formatter.
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T"
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))."
            + "\(padded(Int32(milliseconds % 1000), 3))Z"
    }

    /// A logfmt key: characters other than letters, digits, `_`, `.`, `-` become `_`.
    static func logfmtKey(_ key: String) -> String {
        String(
            String.UnicodeScalarView(
                key.unicodeScalars.map { scalar in
                    scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || "_.-".unicodeScalars.contains(scalar)
                        ? scalar : "_"
                }))
    }

    /// A logfmt value: bare when it has no space, quote, `=` or control character, quoted and escaped otherwise.
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.value < 0x20 }
        guard needsQuotes else { return value }
        return JSONText.quote(value)
    }

    /// A JSON string literal (also a valid quoted logfmt value): `"` and `\` escaped, controls as `\n`, `\t`,
    /// `\u00XX`, so a value never breaks the line.
    static func jsonString(_ value: String) -> String {
        JSONText.quote(value)
    }
}

/// Where log lines go: standard error, or a closure (tests).
public struct LogLineOutput: Sendable {
    private let sink: @Sendable (String) -> Void

    /// Writes each line with one `write(2)` to standard error, under a lock.
    public static let standardError = LogLineOutput(write: { line in
        standardErrorLock.withLock { _ in
            var bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { buffer in
                    Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                }
                if written <= 0 { break }
                offset += written
            }
            bytes.removeAll()
        }
    })

    /// Hands each line to `write`.
    public init(write: @escaping @Sendable (String) -> Void) {
        sink = write
    }

    func write(_ line: String) { sink(line) }
}

private let standardErrorLock = Mutex(())
