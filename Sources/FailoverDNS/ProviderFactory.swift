import FailoverCore
import FailoverHTTPClient
import Foundation
import Logging

/// Builds the ``DNSProvider`` for a configured account.
public enum ProviderFactory {
    /// Creates the provider of `account`, authenticating with `token` (already read from its source).
    ///
    /// The HTTP client takes the account's timeouts, CA file and retry budget.
    /// - Parameters:
    ///   - timing: clocks, sleep and jitter of the retry loop; tests pass instant ones. Default: the real ones.
    ///   - observer: told about every HTTP attempt to the provider's API (metrics).
    ///   - transport: what carries each attempt; `nil` is libcurl. Fuzzing answers in-process with its own.
    /// - Throws: ``DNSProviderError`` (``DNSProviderError/isConfigurationError``) for an empty token or a base URL
    ///   that is not `https://`, or `http://` to a loopback host (the only place a token may travel in clear).
    public static func make(
        account: ProviderAccountConfiguration, token: String, logger: Logger, timing: HTTPRetryTiming = .system,
        observer: (any HTTPExchangeObserver)? = nil, transport: (any HTTPTransport)? = nil
    ) throws(DNSProviderError) -> any DNSProvider {
        let bearer = BearerToken(token)
        guard !bearer.isEmpty else {
            throw .configuration(account: account.name, "the API token read from \(account.token) is empty")
        }
        let base = account.baseURL.trimmingWhitespaceForURL
        // URL rather than URLComponents: the latter's `host` decodes international names through ICU's IDNA
        // tables, 1.2 MB of resident memory for the life of the process (measured), for a check that needs none.
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let host = url.host(percentEncoded: true), !host.isEmpty
        else {
            throw .configuration(account: account.name, "the base URL \(base) is not an http:// or https:// URL")
        }
        // The token travels in every request's Authorization header: over plain HTTP only to this machine (a
        // local proxy or a test's fake provider), never across a network.
        guard scheme == "https" || isLoopback(host: host) else {
            throw .configuration(
                account: account.name,
                "the base URL \(base) is plain http:// to a host that is not loopback, which would send the API token "
                    + "in clear: use https:// (http:// is accepted only for localhost, 127.0.0.0/8 and ::1)")
        }
        let configuration = HTTPClientConfiguration(
            connectTimeout: account.connectTimeout, requestTimeout: account.requestTimeout, caFile: account.caFile,
            retryPolicy: HTTPRetryPolicy(maxAttempts: account.maxAttempts, maxRetryDuration: account.maxRetryDuration),
            timing: timing, observer: observer)
        let client =
            transport.map { HTTPClient(configuration: configuration, transport: $0, logger: logger) }
            ?? HTTPClient(configuration: configuration, logger: logger)
        switch account.kind {
        case .linode:
            return RecordStoreProvider(
                store: LinodeProvider(
                    accountName: account.name, baseURL: base, token: bearer, tokenSource: account.token.description,
                    client: client, logger: logger))
        case .digitalocean:
            return RecordStoreProvider(
                store: DigitalOceanProvider(
                    accountName: account.name, baseURL: base, token: bearer, tokenSource: account.token.description,
                    client: client, logger: logger))
        }
    }
}

extension ProviderFactory {
    /// Whether `host` (as `URL` gives it, an IPv6 literal with or without brackets) names this machine: `localhost`
    /// (and names under it), an address in 127.0.0.0/8 as a dotted quad (`127.1` or a decimal number is not taken
    /// for one), or `::1` in any spelling.
    static func isLoopback(host: String) -> Bool {
        let name = host.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        let literal = name.hasPrefix("[") && name.hasSuffix("]") ? name.dropFirst().dropLast() : Substring(name)
        if let address = NetworkAddress(parsing: literal) {
            return address.isIPv4 ? address.bytes[12] == 127 : address.bytes == [UInt8](repeating: 0, count: 15) + [1]
        }
        return false
    }
}

extension String {
    fileprivate var trimmingWhitespaceForURL: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
