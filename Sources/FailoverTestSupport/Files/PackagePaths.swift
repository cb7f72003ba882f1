import Foundation

/// Where things are relative to the package under test.
public enum PackagePaths {
    /// The package root (the folder holding `Package.swift`).
    public static var root: String {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.path
            }
        }
        return FileManager.default.currentDirectoryPath
    }

    /// The test data shipped with the package (`Tests/Fixtures`; `Tests/Fixtures/README.md` says what each is).
    public static var fixtures: String {
        (root as NSString).appendingPathComponent("Tests/Fixtures")
    }

    /// The webhook body that `Benchmarks/load.sh` posts (`Tests/Fixtures/bench/payload.json`).
    public static var benchPayload: String {
        (fixtures as NSString).appendingPathComponent("bench/payload.json")
    }

    /// The built `failoverd` executable: `$FAILOVERD_BINARY`, or beside the running test bundle.
    public static var failoverdBinary: String {
        if let override = ProcessInfo.processInfo.environment["FAILOVERD_BINARY"] { return override }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
                "failoverd"
            ).path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("failoverd").path,
            (root as NSString).appendingPathComponent(".build/debug/failoverd"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }
}
