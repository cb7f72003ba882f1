import FailoverHTTPServer

/// Strict reading of query parameters: unknown names and malformed values are 400s that name the parameter.
struct QueryParameters {
    private let request: HTTPRequest

    init(_ request: HTTPRequest, allowed: Set<String>) throws(HTTPError) {
        self.request = request
        for (name, _) in request.query where !allowed.contains(name) {
            let list = allowed.sorted().joined(separator: ", ")
            throw .badRequest("unknown query parameter \"\(name)\"; accepted: \(list)", reason: "bad_parameter")
        }
    }

    func string(_ name: String) throws(HTTPError) -> String? {
        guard let value = request.queryValue(name) else { return nil }
        guard !value.isEmpty else {
            throw .badRequest("query parameter \"\(name)\" must not be empty", reason: "bad_parameter")
        }
        return value
    }

    func oneOf(_ name: String, _ accepted: [String]) throws(HTTPError) -> String? {
        guard let value = try string(name) else { return nil }
        guard accepted.contains(value) else {
            let list = accepted.joined(separator: ", ")
            throw .badRequest(
                "query parameter \"\(name)\" is \"\(value)\"; accepted: \(list)", reason: "bad_parameter")
        }
        return value
    }

    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws(HTTPError) -> Int {
        guard let text = try string(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw .badRequest(
                "query parameter \"\(name)\" is \"\(text)\"; accepted: an integer from \(range.lowerBound) to "
                    + "\(range.upperBound)", reason: "bad_parameter")
        }
        return value
    }
}
