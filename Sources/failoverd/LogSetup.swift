import FailoverService
import Logging

/// The executable's one place that builds loggers; libraries only accept them.
enum LogSetup {
    static func level(_ text: String) -> Logger.Level? {
        switch text.lowercased() {
        case "debug": .debug
        case "info": .info
        case "warning", "warn": .warning
        case "error": .error
        default: nil
        }
    }

    static func bootstrap(level: Logger.Level, format: LogLineHandler.Format = .logfmt) -> Logger {
        LoggingSystem.bootstrap { label in
            LogLineHandler(label: label, format: format, level: level)
        }
        var logger = Logger(label: "failoverd")
        logger.logLevel = level
        return logger
    }
}
