/// One step of a runbook: what it does and how its failures are handled.
public struct RunbookStep: Sendable, Hashable {
    /// What the step does.
    public var action: RunbookAction
    /// An optional name for operators (`name:`); the step's position identifies it otherwise.
    public var name: String?
    /// Whether a failure stops the execution (default) or lets it go on.
    public var onFailure: StepFailurePolicy
    /// What to do when the process died while the step ran: run it again (default) or fail the execution.
    public var onInterrupted: StepInterruptionPolicy

    /// Creates a step.
    public init(
        _ action: RunbookAction, name: String? = nil, onFailure: StepFailurePolicy = .stop,
        onInterrupted: StepInterruptionPolicy = .rerun
    ) {
        self.action = action
        self.name = name
        self.onFailure = onFailure
        self.onInterrupted = onInterrupted
    }

    /// The step's kind as written in the configuration (`dns`, `http_check`, `http`, `exec`, `wait`, `parallel`).
    public var kind: String { action.kind }
}

/// Whether a failed step stops its execution.
public enum StepFailurePolicy: String, Sendable, Hashable, CaseIterable {
    /// The execution stops and is `failed` (default).
    case stop
    /// The failure is recorded and the next step runs.
    case `continue`
}

/// What a step that was running when failoverd died does when the execution resumes.
public enum StepInterruptionPolicy: String, Sendable, Hashable, CaseIterable {
    /// Run it again (default): steps are at-least-once across a crash.
    case rerun
    /// Fail the execution and let an operator decide.
    case fail
}

/// What a step does.
public enum RunbookAction: Sendable, Hashable {
    /// Bring a DNS record set at a provider to a desired state (idempotent, verified).
    case dns(DNSStepSpecification)
    /// A precondition: the URL must answer with the expected status, or the execution stops.
    case httpCheck(HTTPCheckSpecification)
    /// A notification or API call.
    case http(HTTPCallSpecification)
    /// A program run with arguments, no shell.
    case exec(ExecSpecification)
    /// A pause.
    case wait(Duration)
    /// Steps run at once; the group fails when one of them fails with `on_failure: stop`.
    case parallel([RunbookStep])

    /// The kind as written in the configuration.
    public var kind: String {
        switch self {
        case .dns: "dns"
        case .httpCheck: "http_check"
        case .http: "http"
        case .exec: "exec"
        case .wait: "wait"
        case .parallel: "parallel"
        }
    }
}

/// A `dns` step: the record set `name`/`type` in `zone` at `provider` should hold `targets` with `ttl`.
public struct DNSStepSpecification: Sendable, Hashable {
    /// The provider account's name.
    public var provider: String
    /// The zone (`example.com`).
    public var zone: String
    /// The owner name, relative to the zone (`app`, `@`) or fully qualified.
    public var name: String
    /// The record type.
    public var type: DNSRecordType
    /// The targets (one for a plain failover record, several for a round-robin set).
    public var targets: [String]
    /// The TTL in seconds.
    public var ttl: Int

    /// Creates a DNS step specification.
    public init(provider: String, zone: String, name: String, type: DNSRecordType, targets: [String], ttl: Int) {
        self.provider = provider
        self.zone = zone
        self.name = name
        self.type = type
        self.targets = targets
        self.ttl = ttl
    }

    /// The lock key of the record set: executions touching the same set run one at a time.
    public var lockKey: String {
        "dns:\(provider)/\(zone.lowercased())/\(name.lowercased())/\(type.rawValue)"
    }
}

/// An `http_check` step.
public struct HTTPCheckSpecification: Sendable, Hashable {
    /// The URL to check.
    public var url: RunbookTemplate
    /// The status that counts as healthy. Default 200.
    public var expectStatus: Int
    /// Tries before the check fails. Default 3.
    public var attempts: Int
    /// Pause between tries. Default 2 s.
    public var interval: Duration
    /// Timeout of one try. Default 5 s.
    public var timeout: Duration

    /// Creates a check.
    public init(
        url: RunbookTemplate, expectStatus: Int = 200, attempts: Int = 3, interval: Duration = .seconds(2),
        timeout: Duration = .seconds(5)
    ) {
        self.url = url
        self.expectStatus = expectStatus
        self.attempts = attempts
        self.interval = interval
        self.timeout = timeout
    }
}

/// An `http` step: a request whose answer must be 2xx.
public struct HTTPCallSpecification: Sendable, Hashable {
    /// Where the URL comes from.
    public enum Target: Sendable, Hashable {
        /// A URL (template) written in the configuration.
        case url(RunbookTemplate)
        /// A URL read from a file at execution time (it is a secret: a Slack webhook URL, say).
        case file(String)
    }

    /// The method. Default `POST`.
    public var method: String
    /// The URL's source.
    public var target: Target
    /// Request headers (values are templates).
    public var headers: [String: RunbookTemplate]
    /// A header whose value is read from a file (`Authorization` with a token, say): name → file path.
    public var headerFiles: [String: String]
    /// The body (a template, JSON-escaped when the content type is JSON).
    public var body: RunbookTemplate?
    /// The content type of the body. Default `application/json`.
    public var contentType: String
    /// Tries on transport errors and 5xx. Default 3.
    public var attempts: Int
    /// Timeout of one try. Default 10 s.
    public var timeout: Duration

    /// Creates an HTTP call specification.
    public init(
        method: String = "POST", target: Target, headers: [String: RunbookTemplate] = [:],
        headerFiles: [String: String] = [:], body: RunbookTemplate? = nil, contentType: String = "application/json",
        attempts: Int = 3, timeout: Duration = .seconds(10)
    ) {
        self.method = method
        self.target = target
        self.headers = headers
        self.headerFiles = headerFiles
        self.body = body
        self.contentType = contentType
        self.attempts = attempts
        self.timeout = timeout
    }
}

/// An `exec` step: argv (templates rendered per element, never through a shell).
public struct ExecSpecification: Sendable, Hashable {
    /// The program and its arguments.
    public var command: [RunbookTemplate]
    /// The timeout; then SIGTERM and SIGKILL to the process group. Default 60 s.
    public var timeout: Duration
    /// Extra environment variables (values are templates).
    public var environment: [String: RunbookTemplate]
    /// The working directory.
    public var workingDirectory: String?

    /// Creates an exec specification.
    public init(
        command: [RunbookTemplate], timeout: Duration = .seconds(60), environment: [String: RunbookTemplate] = [:],
        workingDirectory: String? = nil
    ) {
        self.command = command
        self.timeout = timeout
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}
