import FailoverConfig
import FailoverCore
import FailoverDNS
import FailoverHTTPClient
import Foundation
import Logging

extension FuzzTarget {
    /// The configuration file: any text either loads or is refused with problems that each name a place.
    public static let configurationLoader = FuzzTarget(
        name: "config", summary: "ConfigurationLoader.parse (failoverd.yml, runbooks included)"
    ) { (input: [UInt8]) throws(FuzzFinding) in
        let text = String(decoding: input, as: UTF8.self)
        do throws(ConfigurationError) {
            // No base directory: relative `*_file` paths stay relative and nothing under it is read.
            _ = try ConfigurationLoader.parse(yaml: text, source: "fuzz.yml", baseDirectory: "/nonexistent-fuzz")
        } catch {
            guard !error.description.isEmpty else {
                throw FuzzFinding(target: "config", "a refusal without a problem")
            }
        }
    }

    /// A DNS provider's answers, as a hostile or broken API (or a proxy in front of it) could send them: the first
    /// byte picks the provider and the status, the rest is the body of every records page. Reading the record set
    /// either succeeds with records of the name and type asked for, or fails with a provider error.
    public static let providerResponses = FuzzTarget(
        name: "provider", summary: "Linode and DigitalOcean response decoding (zone lookup, records pages, errors)"
    ) { (input: [UInt8]) throws(FuzzFinding) in
        guard let selector = input.first else { return }
        let kind: ProviderAccountConfiguration.Kind = selector & 1 == 0 ? .linode : .digitalocean
        let statuses = [200, 200, 200, 200, 400, 401, 403, 404, 422, 429, 500, 503]
        let status = statuses[Int(selector >> 1) % statuses.count]
        let transport = ScriptedProviderAPI(kind: kind, recordsStatus: status, recordsBody: Array(input.dropFirst()))
        let account = ProviderAccountConfiguration(
            name: "fuzz", kind: kind, token: .environment("FUZZ_TOKEN"),
            baseURL: kind == .linode ? "https://api.linode.invalid/v4" : "https://api.digitalocean.invalid",
            maxAttempts: 1, maxRetryDuration: .seconds(1))
        let outcome = WaitForAsync.run { () async throws(DNSProviderError) -> DNSRecordSet in
            let provider = try ProviderFactory.make(
                account: account, token: "fuzz-token", logger: silent, transport: transport)
            return try await provider.get(zone: "example.com", name: "app", type: .a)
        }
        if case .success(let set) = outcome {
            for record in set.records where record.type != .a || record.name != DNSRecordName(relative: "app") {
                throw FuzzFinding(target: "provider", "get(app, A) returned \(record)")
            }
        }
    }
}

/// Provider errors are logged; a fuzz run does not need them.
private let silent = Logger(label: "failoverd.fuzz") { _ in SwiftLogNoOpLogHandler() }

/// Answers a provider's requests in-process: a fixed zone lookup, then the fuzz input for every records page.
private struct ScriptedProviderAPI: HTTPTransport {
    let kind: ProviderAccountConfiguration.Kind
    let recordsStatus: Int
    let recordsBody: [UInt8]

    func perform(
        _ request: HTTPClientRequest, configuration: HTTPClientConfiguration
    ) async throws(HTTPClientError) -> HTTPClientResponse {
        let json: HTTPClientHeaders = ["Content-Type": "application/json"]
        if request.url.contains("/records") {
            return HTTPClientResponse(status: recordsStatus, headers: json, body: recordsBody)
        }
        let zone =
            kind == .linode
            ? #"{"data":[{"id":1,"domain":"example.com","type":"master","status":"active"}],"page":1,"pages":1,"results":1}"#
            : #"{"domain":{"name":"example.com","ttl":1800,"zone_file":""}}"#
        return HTTPClientResponse(status: 200, headers: json, body: Array(zone.utf8))
    }
}

/// Runs an async call to completion from synchronous code (libFuzzer's callback), on Swift's pool.
enum WaitForAsync {
    static func run<Value: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () async throws(Failure) -> Value
    ) -> Result<Value, Failure> {
        let box = ResultBox<Value, Failure>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do throws(Failure) {
                box.result = .success(try await body())
            } catch {
                box.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return box.result!
    }
}

/// Hands a result from the task to the waiting thread; the semaphore orders the write before the read.
private final class ResultBox<Value: Sendable, Failure: Error>: @unchecked Sendable {
    var result: Result<Value, Failure>?
}
