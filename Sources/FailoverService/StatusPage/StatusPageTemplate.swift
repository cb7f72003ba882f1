import Mustache

/// The status page's template, compiled once when the service is built.
///
/// Escaping: the first tag selects ``StatusPageHTMLEscaping`` (`& < > " '` as character references, scalar by
/// scalar) for every `{{name}}`; the template has no `{{{ }}}` or `{{& }}` tag and no partials (a partial would start
/// again with swift-mustache's default escaping). Values appear only in element text and in double-quoted attribute
/// values; the attribute values that are URLs (`href`) come from ``StatusPageLink`` only. No JavaScript, no external
/// resource: the only style is the `<style>` element below, which the `Content-Security-Policy` allows.
struct StatusPageTemplate: Sendable {
    private let template: MustacheTemplate

    /// Compiles the template; a failure is a defect of the constant below, which the tests render.
    init() {
        StatusPageHTMLEscaping.register()
        do {
            template = try MustacheTemplate(string: Self.text)
        } catch {
            preconditionFailure("the status page template does not compile: \(error)")
        }
    }

    /// The page's HTML for `view`.
    func render(_ view: StatusPageView) -> String {
        template.render(view)
    }

    // Mustache names resolve in the innermost object first, then outward; every value of StatusPageView is
    // non-optional, so a name never silently takes an enclosing object's value.
    static let text = """
        {{% CONTENT_TYPE: FAILOVERD_HTML }}
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#refresh}}
        <meta http-equiv="refresh" content="{{seconds}}">
        {{/refresh}}
        <title>failoverd: {{headline}}</title>
        <style>
        body { font: 14px/1.45 system-ui, sans-serif; margin: 1rem 2rem; color: #1d1d1f; background: #fff; }
        h1 { font-size: 1.5rem; margin: 0 0 .3rem; }
        h2 { font-size: 1.2rem; margin: 1.6rem 0 .4rem; border-bottom: 1px solid #ccc; }
        h3 { font-size: 1rem; margin: 1.1rem 0 .3rem; }
        table { border-collapse: collapse; margin: .3rem 0 .8rem; }
        th, td { border: 1px solid #d0d0d0; padding: .15rem .45rem; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        caption { text-align: left; font-weight: 600; padding: .2rem 0; }
        dl.facts { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; margin: .3rem 0; }
        dl.facts dt { font-weight: 600; }
        dl.facts dd { margin: 0; }
        code { font-family: ui-monospace, monospace; }
        .ok { color: #0a6b1f; }
        .warn { color: #9a5b00; font-weight: 600; }
        .bad { color: #b00020; font-weight: 700; }
        .banner { border: 2px solid #9a5b00; background: #fff4e0; padding: .4rem .8rem; }
        .headline { font-size: 1.05rem; }
        </style>
        </head>
        <body>
        <header>
        <h1>failoverd status</h1>
        <p class="headline">{{headline}}</p>
        {{#dryRun}}
        <p class="banner" role="alert"><strong>DRY RUN:</strong> every runbook reads and plans, and changes nothing \
        outside failoverd (engine.dry_run or serve --dry-run).</p>
        {{/dryRun}}
        <dl class="facts">
        <dt>Version</dt><dd>failoverd {{version}}</dd>
        <dt>Listening on</dt><dd><code>{{listen}}</code></dd>
        <dt>Started</dt><dd>{{startedAt}} (up {{uptime}})</dd>
        <dt>Readiness</dt><dd>{{#ready}}<span class="ok">{{readiness}}</span>{{/ready}}\
        {{^ready}}<span class="bad">{{readiness}}</span>{{/ready}}</dd>
        <dt>Configuration</dt><dd><code>{{configuration}}</code></dd>
        <dt>Page generated</dt><dd>{{generatedAt}}</dd>
        </dl>
        <nav aria-label="sections">
        <p>On this page: <a href="#runbooks">Runbooks</a> | <a href="#incidents">Open incidents</a> | \
        <a href="#executions">Recent executions</a> | <a href="#audit">Audit events</a> | \
        <a href="#api">JSON endpoints</a></p>
        </nav>
        </header>
        <main>
        <section id="runbooks">
        <h2>Runbooks</h2>
        {{^runbooks}}
        <p>No runbook is configured: failoverd stores alerts and changes nothing.</p>
        {{/runbooks}}
        {{#runbooks}}
        <section id="{{anchor}}">
        <h3>Runbook {{name}}{{#paused}} <span class="bad">(paused)</span>{{/paused}}\
        {{#dryRun}} <span class="warn">(dry run)</span>{{/dryRun}}</h3>
        <dl class="facts">
        <dt>Matches</dt><dd><code>{{match}}</code></dd>
        <dt>Key labels</dt><dd>{{keyLabels}}</dd>
        <dt>Failback</dt><dd>{{failback}}</dd>
        <dt>Flap guard</dt><dd>{{flapGuard}}</dd>
        {{#pause}}
        <dt>Paused</dt><dd class="bad">by {{pausedBy}} since {{pausedAt}}: {{reason}}</dd>
        {{/pause}}
        <dt>Suppressed</dt><dd{{#hasSuppressed}} class="warn"{{/hasSuppressed}}>{{suppressed}}</dd>
        <dt>JSON</dt><dd>{{#links}}<a href="{{href}}">{{text}}</a> {{/links}}</dd>
        </dl>
        <table>
        <caption>Keys of {{name}}: which side serves</caption>
        <thead><tr><th scope="col">Key</th><th scope="col">Active side</th><th scope="col">Phase</th>\
        <th scope="col">Open incident</th><th scope="col">Execution</th><th scope="col">Failback</th>\
        <th scope="col">Last failover</th><th scope="col">Last failback</th><th scope="col">Changed</th></tr></thead>
        <tbody>
        {{#keys}}
        <tr><td>{{labels}}</td><td class="{{tone}}">{{side}}</td><td>{{phase}}</td>\
        <td>{{#incident}}<a href="{{href}}">{{text}}</a>{{/incident}}{{^incident}}-{{/incident}}</td>\
        <td>{{#execution}}<a href="{{href}}">{{text}}</a>{{/execution}}{{^execution}}-{{/execution}}</td>\
        <td>{{failback}}</td><td>{{lastFailover}}</td><td>{{lastFailback}}</td><td>{{updatedAt}}</td></tr>
        {{/keys}}
        {{^keys}}
        <tr><td colspan="9">No alert has matched yet: the primary serves (normal).</td></tr>
        {{/keys}}
        </tbody>
        </table>
        </section>
        {{/runbooks}}
        </section>

        <section id="incidents">
        <h2>Open incidents</h2>
        {{^incidents}}
        <p>No open incident.</p>
        {{/incidents}}
        {{#hasIncidents}}
        <table>
        <thead><tr><th scope="col">Incident</th><th scope="col">Runbook</th><th scope="col">Key</th>\
        <th scope="col">Opened at</th><th scope="col">Alerts firing</th><th scope="col">Failover execution</th></tr></thead>
        <tbody>
        {{/hasIncidents}}
        {{#incidents}}
        <tr id="incident-{{id}}"><td>{{id}}</td><td>{{runbook}}</td><td>{{key}}</td><td>{{openedAt}}</td>\
        <td>{{firing}} of {{episodeCount}}</td>\
        <td>{{#execution}}<a href="{{href}}">{{text}}</a>{{/execution}}{{^execution}}-{{/execution}}</td></tr>
        {{/incidents}}
        {{#hasIncidents}}
        </tbody>
        </table>
        {{/hasIncidents}}
        </section>

        <section id="executions">
        <h2>Recent executions</h2>
        {{^executions}}
        <p>No execution yet.</p>
        {{/executions}}
        {{#executions}}
        <section id="execution-{{id}}">
        <h3>Execution {{id}}: {{kind}} of {{runbook}} for {{key}}: <span class="{{tone}}">{{state}}</span></h3>
        <p>Trigger: {{trigger}}. Created {{createdAt}}, started {{startedAt}}, finished {{finishedAt}}, \
        took {{duration}}. {{#links}}<a href="{{href}}">{{text}}</a> {{/links}}</p>
        {{#hasNotes}}
        <ul>
        {{/hasNotes}}
        {{#notes}}
        <li>{{.}}</li>
        {{/notes}}
        {{#hasNotes}}
        </ul>
        {{/hasNotes}}
        {{^steps}}
        <p>{{noSteps}}</p>
        {{/steps}}
        {{#hasSteps}}
        <table>
        <caption>Steps of execution {{id}}</caption>
        <thead><tr><th scope="col">Step</th><th scope="col">Kind</th><th scope="col">State</th>\
        <th scope="col">Attempts</th><th scope="col">Took</th><th scope="col">What it did</th>\
        <th scope="col">DNS before</th><th scope="col">DNS after</th></tr></thead>
        <tbody>
        {{/hasSteps}}
        {{#steps}}
        <tr><td>{{path}} {{stepName}}</td><td>{{kind}}</td><td class="{{stepTone}}">{{stepState}}</td>\
        <td>{{attempts}}</td><td>{{took}}</td><td>{{summary}}{{#failure}}<br>error: {{.}}{{/failure}}</td>\
        {{#change}}<td>{{record}}: {{before}}</td><td>→ {{after}}</td>{{/change}}\
        {{^change}}<td>-</td><td>-</td>{{/change}}</tr>
        {{/steps}}
        {{#hasSteps}}
        </tbody>
        </table>
        {{/hasSteps}}
        </section>
        {{/executions}}
        </section>

        <section id="audit">
        <h2>Audit events</h2>
        <p>The latest {{eventCount}} events, newest first; the whole trail: \
        <a href="/api/v1/audit">/api/v1/audit</a>.</p>
        <table>
        <thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Type</th>\
        <th scope="col">Actor</th><th scope="col">Runbook</th><th scope="col">Execution</th>\
        <th scope="col">Alert</th><th scope="col">Outcome</th></tr></thead>
        <tbody>
        {{#events}}
        <tr><td>{{id}}</td><td>{{time}}</td><td>{{type}}</td><td>{{actor}}</td><td>{{runbook}}</td>\
        <td>{{#execution}}<a href="{{href}}">{{text}}</a>{{/execution}}{{^execution}}-{{/execution}}</td>\
        <td>{{alertname}}</td><td class="{{outcomeTone}}">{{outcome}}</td></tr>
        {{/events}}
        {{^events}}
        <tr><td colspan="8">No audit event yet.</td></tr>
        {{/events}}
        </tbody>
        </table>
        </section>

        <section id="api">
        <h2>JSON endpoints</h2>
        <ul>
        {{#endpoints}}
        <li>{{#link}}<a href="{{href}}"><code>{{text}}</code></a>{{/link}}{{^link}}<code>{{path}}</code>{{/link}}: \
        {{what}}{{#example}} (the latest: <a href="{{href}}"><code>{{text}}</code></a>){{/example}}</li>
        {{/endpoints}}
        </ul>
        </section>
        </main>
        </body>
        </html>

        """
}
