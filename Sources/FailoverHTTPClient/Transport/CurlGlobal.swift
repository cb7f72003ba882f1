import CCurl

/// libcurl's process-wide set-up, done once: open the library (it is loaded on first use, not linked; see the
/// C shim) and run `curl_global_init`.
enum CurlGlobal {
    /// `nil` when libcurl is ready, else why it is not.
    private static let failure: String? = {
        var error = [CChar](repeating: 0, count: 256)
        let loaded = error.withUnsafeMutableBufferPointer { failoverd_curl_load($0.baseAddress, $0.count) }
        guard loaded == 0 else { return String(decoding: error.prefix { $0 != 0 }.map(UInt8.init), as: UTF8.self) }
        let code = failoverd_curl_global_init(Int(CURL_GLOBAL_ALL))
        return code == CURLE_OK ? nil : "curl_global_init failed with code \(code.rawValue)"
    }()

    /// Makes sure libcurl is ready; returns why not, or `nil`.
    static func initialise() -> String? { failure }
}
