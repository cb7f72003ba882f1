import FailoverTestSupport
import Foundation
import Yams

/// One recorded HTTP interaction, from a vcrpy (dns-lexicon) or go-vcr v1 (linodego) cassette.
struct RecordedInteraction {
    var method: String
    var url: String
    var requestBody: String
    var requestHeaders: [String: String]
    var status: Int
    var responseBody: String
    var responseHeaders: [String: String]
    /// The YAML tag on the response body (`tag:yaml.org,2002:python/unicode` in lexicon cassettes).
    var responseBodyTag: String

    /// The URL's path (`/v4/domains/1065421/records`).
    var path: String { URLComponents(string: url)?.path ?? url }
}

/// A cassette file read with Yams at the node level, so Python-specific tags (`!!python/unicode`) are read as
/// the plain strings they tag instead of failing or being dropped.
struct Cassette {
    let file: URL
    let interactions: [RecordedInteraction]

    /// The package's test data, `Tests/Fixtures` (cassettes under `cassettes/`, provider pages under
    /// `digitalocean/`; see `Tests/Fixtures/README.md`).
    static var fixturesFolder: URL { URL(fileURLWithPath: PackagePaths.fixtures, isDirectory: true) }

    /// Every `*.yaml` cassette below `folder` (relative to `Tests/Fixtures/cassettes/`), sorted, recursing when
    /// asked.
    static func files(in folder: String, recursive: Bool = false) throws -> [URL] {
        let root = fixturesFolder.appendingPathComponent("cassettes").appendingPathComponent(folder)
        var found: [URL] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() {
            let url = root.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                if recursive { found += try files(in: "\(folder)/\(name)", recursive: true) }
            } else if name.hasSuffix(".yaml") {
                found.append(url)
            }
        }
        return found
    }

    init(file: URL) throws {
        self.file = file
        let text = try String(contentsOf: file, encoding: .utf8)
        guard let root = try Yams.compose(yaml: text) else { throw CassetteError("empty cassette \(file.path)") }
        guard let list = root["interactions"]?.sequence else {
            throw CassetteError("no interactions in \(file.lastPathComponent)")
        }
        interactions = try list.map { try Self.interaction($0, file: file) }
    }

    private static func interaction(_ node: Node, file: URL) throws -> RecordedInteraction {
        guard let request = node["request"], let response = node["response"] else {
            throw CassetteError("interaction without request/response in \(file.lastPathComponent)")
        }
        // vcrpy: uri, status.code, body.string; go-vcr v1: url, code, body.
        let url = request["uri"]?.string ?? request["url"]?.string ?? ""
        let statusNode = response["status"]?["code"] ?? response["code"]
        guard let status = statusNode?.string.flatMap(Int.init) else {
            throw CassetteError("interaction without status in \(file.lastPathComponent)")
        }
        let bodyNode = response["body"]?["string"] ?? response["body"]
        return RecordedInteraction(
            method: request["method"]?.string ?? "GET", url: url, requestBody: request["body"]?.string ?? "",
            requestHeaders: headers(request["headers"]), status: status, responseBody: bodyNode?.string ?? "",
            responseHeaders: headers(response["headers"]), responseBodyTag: bodyNode?.tag.description ?? "")
    }

    /// Headers are lists of values in both formats; the first value is kept, names lower-cased.
    private static func headers(_ node: Node?) -> [String: String] {
        guard let mapping = node?.mapping else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            result[name.lowercased()] = value.sequence?.first?.string ?? value.string ?? ""
        }
        return result
    }
}

struct CassetteError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
