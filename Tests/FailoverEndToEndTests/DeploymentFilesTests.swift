import FailoverTestSupport
import Foundation
import Testing

/// The Prometheus, Alertmanager and Grafana files shipped in prometheus/ are judged by the real tools through
/// `prometheus/check.sh`: promtool and amtool on the files, unit tests of every alert, routing, every PromQL
/// expression of the dashboard, and the metric names. (The example failoverd configuration is checked where it is
/// installed, beside its token files: `InstallScriptTests`.)
@Suite("prometheus/ files")
struct DeploymentFilesTests {
    static let folder = "\(PackagePaths.root)/prometheus"

    /// Runs `prometheus/check.sh` from another working directory, on `folder` when given (else its own folder).
    static func check(_ folder: String? = nil) throws -> (status: Int32, output: String) {
        var command = "'\(Self.folder)/check.sh'"
        if let folder { command += " '\(folder)'" }
        return try ShellCommand.runBlocking(command, in: NSTemporaryDirectory())
    }

    @Test("prometheus/check.sh accepts the shipped files")
    func shippedFilesPass() throws {
        let (status, output) = try Self.check()
        #expect(status == 0, "prometheus/check.sh failed:\n\(output)")
    }

    /// One way to break a copy of the folder, and what check.sh must say about it.
    enum Breakage: String, CaseIterable, CustomStringConvertible {
        /// A dashboard query that is not PromQL (a parenthesis is missing).
        case dashboardQueryNotPromQL
        /// A dashboard query on a metric that is not in metric-names.txt.
        case dashboardUnknownMetric
        /// The unit tests of failoverd's own alerts deleted.
        case alertsWithoutTests

        var description: String { rawValue }

        /// The broken query written into the dashboard, if this breakage writes one.
        var query: String? {
            switch self {
            case .dashboardQueryNotPromQL: #"sum(rate(failoverd_webhook_requests_total[$__rate_interval])"#
            case .dashboardUnknownMetric: #"failoverd_no_such_metric{job=~"$job"}"#
            case .alertsWithoutTests: nil
            }
        }

        /// What the script's output must contain.
        var expectedOutput: [String] {
            switch self {
            case .dashboardQueryNotPromQL: ["could not parse expression", query!]
            case .dashboardUnknownMetric: ["failoverd_no_such_metric is not in metric-names.txt"]
            case .alertsWithoutTests: ["FailoverdDown has no unit test where it fires"]
            }
        }

        func apply(to folder: String) throws {
            if let query {
                try Self.replaceFirstQuery(of: "\(folder)/grafana/failoverd-dashboard.json", with: query)
            } else {
                try FileManager.default.removeItem(atPath: "\(folder)/rules/failoverd.rules.test.yml")
            }
        }

        /// Sets the expression of the first query of the first panel that has one.
        static func replaceFirstQuery(of path: String, with expression: String) throws {
            let url = URL(fileURLWithPath: path)
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
            var dashboard = try #require(object as? [String: Any])
            var panels = try #require(dashboard["panels"] as? [[String: Any]])
            let index = try #require(panels.firstIndex { ($0["targets"] as? [[String: Any]])?.isEmpty == false })
            var targets = try #require(panels[index]["targets"] as? [[String: Any]])
            targets[0]["expr"] = expression
            panels[index]["targets"] = targets
            dashboard["panels"] = panels
            try JSONSerialization.data(withJSONObject: dashboard, options: [.prettyPrinted]).write(to: url)
        }
    }

    @Test("prometheus/check.sh fails on a broken copy of the folder", arguments: Breakage.allCases)
    func brokenCopyFails(_ breakage: Breakage) throws {
        let directory = try TemporaryDirectory(prefix: "failoverd-prometheus-check")
        defer { directory.remove() }
        let copy = directory.file("prometheus")
        try FileManager.default.copyItem(atPath: Self.folder, toPath: copy)
        try breakage.apply(to: copy)

        let (status, output) = try Self.check(copy)
        #expect(status == 1, "prometheus/check.sh passed a copy with \(breakage):\n\(output)")
        for expected in breakage.expectedOutput {
            #expect(output.contains(expected), "\(breakage): no \"\(expected)\" in:\n\(output)")
        }
    }
}
