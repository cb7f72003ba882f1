import Foundation

/// The benchmark's command line:
/// `failoverd-engine-bench [--failoverd PATH] [--incidents N] [--pid-file PATH]`.
struct EngineBenchOptions: Sendable {
    /// The failoverd binary (default `.build/release/failoverd`).
    var failoverd = ".build/release/failoverd"
    /// Incidents measured, after one warm-up incident (default 200).
    var incidents = 200
    /// Where failoverd's PID is written, so that a calling script can stop it if the benchmark dies.
    var pidFile: String?

    /// Parses `arguments` (without the program name).
    init(_ arguments: [String]) throws(BenchError) {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--failoverd": failoverd = value
            case "--incidents":
                guard let count = Int(value), count > 0 else { throw BenchError("--incidents needs a positive count") }
                incidents = count
            case "--pid-file": pidFile = value
            default:
                throw BenchError(
                    "unknown option \(flag); usage: failoverd-engine-bench [--failoverd PATH] [--incidents N] "
                        + "[--pid-file PATH]")
            }
        }
        guard FileManager.default.isExecutableFile(atPath: failoverd) else {
            throw BenchError("no failoverd binary at \(failoverd) (swift build -c release --product failoverd)")
        }
    }
}
