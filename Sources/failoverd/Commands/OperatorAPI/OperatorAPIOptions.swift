import ArgumentParser
import FailoverConfig

/// Where the running failoverd is: `--url`, or the listen address of `--config.file`, or the default address.
struct OperatorAPIOptions: ParsableArguments {
    /// The default base URL: `failoverd serve`'s default listen address.
    static let defaultURL = "http://127.0.0.1:9095"

    @Option(help: "Base URL of the running failoverd (default \(Self.defaultURL)).")
    var url: String?

    @Option(
        name: .customLong("config.file"),
        help: "Take the address from this configuration file's server.listen_address instead of --url.")
    var configFile: String?

    func validate() throws {
        if url != nil && configFile != nil {
            throw ValidationError("give --url or --config.file, not both")
        }
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--url \"\(url)\" is not an http:// or https:// URL")
        }
    }

    /// The base URL, without a trailing slash.
    func baseURL() throws -> String {
        if let url { return url.hasSuffix("/") ? String(url.dropLast()) : url }
        guard let configFile else { return Self.defaultURL }
        let address: ListenAddress
        do {
            address = try ConfigurationLoader.load(path: configFile).server.listenAddress
        } catch {
            throw CommandFailure("\(error)")
        }
        return "http://\(Self.connectableHost(address.host)):\(address.port)"
    }

    /// The host to connect to for a listen host: the loopback address for the wildcard ones.
    static func connectableHost(_ host: String) -> String {
        switch host {
        case "", "0.0.0.0": "127.0.0.1"
        case "::": "[::1]"
        default: host.contains(":") ? "[\(host)]" : host
        }
    }

    /// A client of the API at ``baseURL()``.
    func client() throws -> OperatorAPIClient {
        OperatorAPIClient(baseURL: try baseURL())
    }
}
