/// Everything the status page shows, as text ready for the template: no optionals (swift-mustache looks a missing
/// or `nil` name up in the enclosing objects, so an absent value is an empty list or a `false` flag here, never
/// `nil`), and every URL built from values checked by ``StatusPageLink``.
struct StatusPageView {
    /// `<meta http-equiv="refresh">`: one element when `?refresh=N` was given.
    var refresh: [Refresh]
    /// failoverd's version.
    var version: String
    /// `HOST:PORT` the service listens on.
    var listen: String
    /// When the service started (RFC 3339, UTC).
    var startedAt: String
    /// How long it has been running (`2h 5m`).
    var uptime: String
    /// Whether the writer answered its probe (the `/-/ready` check).
    var ready: Bool
    /// `ready`, or `not ready: why`.
    var readiness: String
    /// Whether every runbook runs dry (`engine.dry_run`, `serve --dry-run`).
    var dryRun: Bool
    /// The SHA-256 of the configuration file in force, or why it is not known.
    var configuration: String
    /// When the page was rendered.
    var generatedAt: String
    /// One line for the title and the top of the page: `2 runbooks, 1 key failed over, 1 open incident`.
    var headline: String
    /// The configured runbooks, in configuration order.
    var runbooks: [Runbook]
    /// The open incidents, newest first.
    var incidents: [Incident]
    /// Whether there is an open incident (the table's head and foot).
    var hasIncidents: Bool
    /// The latest executions, newest first, with their steps.
    var executions: [Execution]
    /// The latest audit events, newest first.
    var events: [Event]
    /// How many there are.
    var eventCount: Int
    /// The JSON endpoints an operator or a script reads next.
    var endpoints: [Endpoint]

    /// The page's automatic reload.
    struct Refresh {
        /// Seconds between reloads (5…3600).
        var seconds: Int
    }

    /// A link whose `href` was built from checked values only (see ``StatusPageLink``).
    struct Link {
        /// The URL, a path on this server.
        var href: String
        /// The link's text.
        var text: String
    }

    /// One configured runbook.
    struct Runbook {
        /// Its name (`[A-Za-z0-9_-]`, enforced by the configuration loader and checked again for links).
        var name: String
        /// The `id` of its section: `runbook-NAME`, or empty when the name is not a safe fragment.
        var anchor: String
        /// Its matchers, in Alertmanager syntax.
        var match: String
        /// Its key labels.
        var keyLabels: String
        /// `auto after a 10m hold`, `manual (an operator approves)`, `none`.
        var failback: String
        /// `3 per 1h`, or `none`.
        var flapGuard: String
        /// Whether its executions only report.
        var dryRun: Bool
        /// Whether it is paused.
        var paused: Bool
        /// The pause: one element when paused.
        var pause: [Pause]
        /// Suppressed executions of the last 24 hours: `none`, or the count and reasons.
        var suppressed: String
        /// Whether any execution was suppressed in the last 24 hours.
        var hasSuppressed: Bool
        /// Its keys with state; empty while no alert has matched it.
        var keys: [Key]
        /// Its executions and audit events as JSON.
        var links: [Link]
    }

    /// A runbook's pause.
    struct Pause {
        /// Who paused it.
        var pausedBy: String
        /// Since when.
        var pausedAt: String
        /// Why, or `no reason given`.
        var reason: String
    }

    /// One runbook key: which side serves.
    struct Key {
        /// `region=us-east`.
        var labels: String
        /// `normal`, `failing_over`, `failed_over`, `failing_back`, `failed`.
        var phase: String
        /// `primary`, `secondary`, `moving to the secondary`, `moving to the primary`, `unknown: needs an operator`.
        var side: String
        /// A CSS class for the side: `good`, `moving`, `bad`.
        var tone: String
        /// The open incident's id (a link to the incidents table), when there is one.
        var incident: [Link]
        /// The scheduled or running execution (a link to its section), when there is one.
        var execution: [Link]
        /// When the failback hold ends, whether a manual failback waits for approval, or `-`.
        var failback: String
        /// When the key last failed over successfully, or `-`.
        var lastFailover: String
        /// When it last failed back successfully, or `-`.
        var lastFailback: String
        /// When its state last changed.
        var updatedAt: String
    }

    /// An open incident.
    struct Incident {
        /// Its id.
        var id: Int64
        /// The runbook.
        var runbook: String
        /// Its key labels.
        var key: String
        /// When it opened.
        var openedAt: String
        /// How many of its episodes fire now.
        var firing: Int
        /// How many episodes it has.
        var episodeCount: Int
        /// Its failover execution (a link to its section), when there is one.
        var execution: [Link]
    }

    /// One execution and its step timeline.
    struct Execution {
        /// Its id.
        var id: Int64
        /// The runbook.
        var runbook: String
        /// Its key labels.
        var key: String
        /// `failover` or `failback`.
        var kind: String
        /// Its state, with `dry run` and `forced` when they apply.
        var state: String
        /// A CSS class for the state: `good`, `moving`, `bad`, or empty.
        var tone: String
        /// `alert` or `operator`, and who asked.
        var trigger: String
        /// When it was created.
        var createdAt: String
        /// When it started, or `-`.
        var startedAt: String
        /// When it ended, or `-`.
        var finishedAt: String
        /// From start to end (or to now while it runs), or `-`.
        var duration: String
        /// Notes: suppressed because, error, cancel requested, resumed after a crash.
        var notes: [String]
        /// Whether there are notes.
        var hasNotes: Bool
        /// Its steps in order.
        var steps: [Step]
        /// Whether it has step records.
        var hasSteps: Bool
        /// What to say when it has no step records.
        var noSteps: String
        /// Its JSON detail and audit events.
        var links: [Link]
    }

    /// One recorded step.
    struct Step {
        /// `2`, or `2.1` inside a parallel group.
        var path: String
        /// `dns`, `http_check`, `http`, `exec`, `wait`, `parallel`.
        var kind: String
        /// Its configured name, or empty.
        var stepName: String
        /// `running`, `succeeded`, `failed`, `skipped`.
        var stepState: String
        /// A CSS class for the state.
        var stepTone: String
        /// Tries, and runs when rerun after an interruption.
        var attempts: String
        /// How long it took, or `running`.
        var took: String
        /// What it did, one line.
        var summary: String
        /// Why it failed, when it says more than the summary.
        var failure: [String]
        /// DNS before → after, when the step changed (or planned) a record set.
        var change: [Change]
    }

    /// A DNS record set before and after a step.
    struct Change {
        /// The record set: `app.example.com A at linode-main`.
        var record: String
        /// The records before, or `(none)`.
        var before: String
        /// The records after, or `(none)`.
        var after: String
    }

    /// One audit event.
    struct Event {
        /// Its id.
        var id: Int64
        /// When it was recorded.
        var time: String
        /// `runbook.started`, …
        var type: String
        /// Who acted.
        var actor: String
        /// The runbook, or `-`.
        var runbook: String
        /// The execution (a link to its section or its JSON), when there is one.
        var execution: [Link]
        /// The alert's name, or `-`.
        var alertname: String
        /// `success`, `failure`, `suppressed`, `cancelled`, `rejected`.
        var outcome: String
        /// A CSS class for the outcome.
        var outcomeTone: String
    }

    /// One JSON endpoint.
    struct Endpoint {
        /// Its path (`{id}` for a parameter).
        var path: String
        /// A link to it; none for a path with a parameter.
        var link: [Link]
        /// What it answers.
        var what: String
        /// For a path with a parameter: a link to an example, when there is one.
        var example: [Link]
    }
}
