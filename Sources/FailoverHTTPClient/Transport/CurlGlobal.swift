import CCurl

/// libcurl's process-wide initialisation, done exactly once before the first handle is created.
///
/// `curl_global_init` is not thread-safe itself; a Swift `static let` is initialised once, under a lock, on first
/// use, which is what it needs.
enum CurlGlobal {
    private static let initialisation: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    /// Initialises libcurl if nobody has yet; `false` when libcurl could not initialise.
    static func ensureInitialised() -> Bool { initialisation == CURLE_OK }
}
