import Foundation

/// The requests in a Chromium net log (`--log-net-log=FILE`), split into the page's own and the browser's.
///
/// Chromium makes requests of its own (component updates, sign-in, dictionaries) whatever the page is; they carry no
/// page's network isolation key. A request made for a page loaded from 127.0.0.1 (the document, and any image,
/// style sheet, font or script it asked for) carries `http://127.0.0.1 http://127.0.0.1`: those are
/// ``pageRequests``.
struct ChromiumNetLog {
    /// The URLs requested on behalf of a page from 127.0.0.1, in log order.
    let pageRequests: [String]
    /// Every URL the log mentions.
    let allURLs: Set<String>

    init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let log = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let constants = log["constants"] as? [String: Any],
            let types = constants["logEventTypes"] as? [String: Int],
            let startJob = types["URL_REQUEST_START_JOB"],
            let events = log["events"] as? [[String: Any]]
        else {
            throw EndToEndError("\(path) is not a Chromium net log")
        }
        var all: Set<String> = []
        var page: [String] = []
        for event in events {
            guard let parameters = event["params"] as? [String: Any], let url = parameters["url"] as? String else {
                continue
            }
            all.insert(url)
            if event["type"] as? Int == startJob,
                (parameters["network_isolation_key"] as? String)?.hasPrefix("http://127.0.0.1 ") == true
            {
                page.append(url)
            }
        }
        pageRequests = page
        allURLs = all
    }
}
