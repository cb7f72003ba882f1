/// Every URL and fragment on the status page.
///
/// A URL is built only from constants and from values checked here: runbook names must be `[A-Za-z0-9_-]` (the
/// configuration loader enforces it; the page checks again and leaves the link out otherwise) and ids are integers.
/// Nothing that comes from an alert (label or annotation values, fingerprints) or from an operator (pause reasons)
/// ever goes into a URL, so no value can change a link's target or scheme; the template's escaping then keeps each
/// `href` inside its double quotes.
enum StatusPageLink {
    /// Whether `name` is non-empty ASCII letters, digits, `-` and `_` only: safe in a path, a query and a fragment
    /// as it is.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "-", "_": true
                default: false
                }
            }
    }

    /// The `id` of a runbook's section, empty when the name is not safe.
    static func anchor(runbook name: String) -> String {
        isSafeName(name) ? "runbook-" + name : ""
    }

    /// The execution's section on this page.
    static func execution(_ id: Int64) -> StatusPageView.Link {
        StatusPageView.Link(href: "#execution-\(id)", text: "\(id)")
    }

    /// The open incident's row on this page.
    static func incident(_ id: Int64) -> StatusPageView.Link {
        StatusPageView.Link(href: "#incident-\(id)", text: "\(id)")
    }

    /// `GET /api/v1/incidents?state=open`, for an open incident the page does not list.
    static func openIncidents(_ id: Int64) -> StatusPageView.Link {
        StatusPageView.Link(href: "/api/v1/incidents?state=open", text: "\(id)")
    }

    /// `GET /api/v1/executions/ID`.
    static func executionJSON(_ id: Int64) -> StatusPageView.Link {
        StatusPageView.Link(href: "/api/v1/executions/\(id)", text: "JSON")
    }

    /// `GET /api/v1/audit?execution=ID`.
    static func executionAudit(_ id: Int64) -> StatusPageView.Link {
        StatusPageView.Link(href: "/api/v1/audit?execution=\(id)", text: "audit events")
    }

    /// `GET /api/v1/executions?runbook=NAME` and `GET /api/v1/audit?runbook=NAME`; none when the name is not safe.
    static func runbook(_ name: String) -> [StatusPageView.Link] {
        guard isSafeName(name) else { return [] }
        return [
            StatusPageView.Link(href: "/api/v1/executions?runbook=" + name, text: "executions (JSON)"),
            StatusPageView.Link(href: "/api/v1/audit?runbook=" + name, text: "audit events (JSON)"),
        ]
    }

    /// The JSON endpoints, each with what it answers; `/api/v1/executions/{id}` links to `latestExecution`, if any.
    static func endpoints(latestExecution: Int64?) -> [StatusPageView.Endpoint] {
        var endpoints = [
            endpoint("/api/v1/runbooks", "each runbook, its keys, their phase and latest executions, pauses"),
            endpoint("/api/v1/incidents", "incidents, newest first (?state=open, ?runbook=NAME)"),
            endpoint("/api/v1/executions", "executions, newest first (?runbook=, ?state=, ?kind=, ?incident=)"),
        ]
        endpoints.append(
            StatusPageView.Endpoint(
                path: "/api/v1/executions/{id}", link: [], what: "one execution with its step timeline",
                example: latestExecution.map { id in
                    [StatusPageView.Link(href: "/api/v1/executions/\(id)", text: "/api/v1/executions/\(id)")]
                } ?? []))
        endpoints += [
            endpoint("/api/v1/audit", "the audit trail, newest first (?format=ndjson|csv, ?since=2h, ?type=)"),
            endpoint("/api/v1/audit/verify", "walks the audit log's hash chain"),
            endpoint("/metrics", "Prometheus metrics"),
            endpoint("/-/ready", "whether the database takes writes"),
        ]
        return endpoints
    }

    private static func endpoint(_ path: String, _ what: String) -> StatusPageView.Endpoint {
        StatusPageView.Endpoint(
            path: path, link: [StatusPageView.Link(href: path, text: path)], what: what, example: [])
    }
}
