import CCurl

/// libcurl's process-wide set-up, done once: open the library (it is loaded on first use, not linked; see the
/// C shim) and run `curl_global_init`.
enum CurlGlobal {
    /// The library opened: libcurl's soname since 7.16 (Debian's `libcurl4` packages).
    static let libraryName = "libcurl.so.4"

    /// `nil` when libcurl is ready, else why it is not.
    private static let failure: String? = {
        if let failure = load(libraryName) { return failure }
        let code = failoverd_curl_global_init(Int(CURL_GLOBAL_ALL))
        return code == CURLE_OK ? nil : "curl_global_init failed with code \(code.rawValue)"
    }()

    /// Makes sure libcurl is ready; returns why not, or `nil`.
    static func initialise() -> String? { failure }

    /// Opens the library `name` and resolves the functions failoverd calls; returns why it could not, or `nil`.
    /// A failure leaves functions resolved by an earlier success in use.
    static func load(_ name: String) -> String? {
        var error = [CChar](repeating: 0, count: 512)
        let loaded = error.withUnsafeMutableBufferPointer { failoverd_curl_load(name, $0.baseAddress, $0.count) }
        guard loaded != 0 else { return nil }
        return String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
