#!/usr/bin/env python3
"""The checks of check.sh that need to read the files: the dashboard's PromQL, metric names, unit-test
coverage of every alert, and Alertmanager routing. YAML is read with PyYAML (Debian's python3-yaml, which
`make test` installs).

    check_support.py dashboard DIR WORKDIR      every PromQL expression of the dashboard through promtool
    check_support.py names DIR NAMES_FILE       every metric name in rules and dashboard is a known one
    check_support.py coverage DIR               every alert has a firing and a not-firing unit test
    check_support.py routes DIR                 failover alerts reach failoverd and people; no other does

Each prints what it checked and exits 1 with every problem it found.
"""

import fnmatch
import glob
import json
import os
import re
import subprocess
import sys

import yaml


class CheckError(Exception):
    pass


# --- YAML ---------------------------------------------------------------------------------------------------


def load_yaml(path):
    """The document with every scalar kept as a string (PyYAML's BaseLoader), as promtool and amtool read
    the values these checks compare (label values, `for:` durations)."""
    with open(path, encoding="utf-8") as file:
        try:
            return yaml.load(file, Loader=yaml.BaseLoader)
        except yaml.YAMLError as error:
            raise CheckError(f"{os.path.relpath(path)}: {error}")


# --- PromQL: the metric names an expression uses -------------------------------------------------------------

LABEL_LIST_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
OTHER_KEYWORDS = {"bool", "and", "or", "unless", "offset", "atan2", "inf", "nan"}
AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "quantile"}
AGGREGATIONS |= {"bottomk", "topk"}
IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
NUMBER = re.compile(r"[0-9.]+(?:[eE][+-]?[0-9]+)?[A-Za-z0-9_]*")  # also durations: 5m, 1h30m


def metric_names(expr):
    """The metric names an expression selects: identifiers that are not functions, aggregations, keywords,
    label names (in braces and in by/without/on/ignoring/group_* lists) or inside strings and ranges."""
    names = []
    position, length = 0, len(expr)

    def skip_space(index):
        while index < length and expr[index].isspace():
            index += 1
        return index

    def skip_group(index, opening, closing):
        depth = 0
        while index < length:
            char = expr[index]
            if char in "\"'`":
                index = skip_string(index)
                continue
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
        return index

    def skip_string(index):
        quote = expr[index]
        index += 1
        while index < length and expr[index] != quote:
            index += 2 if expr[index] == "\\" and quote != "`" else 1
        return index + 1

    while position < length:
        char = expr[position]
        if char.isspace():
            position += 1
        elif char == "#":
            newline = expr.find("\n", position)
            position = length if newline < 0 else newline
        elif char in "\"'`":
            position = skip_string(position)
        elif char == "{":
            end = skip_group(position, "{", "}")
            for match in re.finditer(r'__name__\s*=\s*"([^"]*)"', expr[position:end]):
                names.append(match.group(1))
            position = end
        elif char == "[":
            position = skip_group(position, "[", "]")
        elif char.isdigit() or (char == "." and expr[position + 1 : position + 2].isdigit()):
            position = NUMBER.match(expr, position).end()
        elif IDENTIFIER.match(expr, position):
            match = IDENTIFIER.match(expr, position)
            word, position = match.group(0), match.end()
            lowered = word.lower()
            after = skip_space(position)
            following = IDENTIFIER.match(expr, after)
            if after < length and expr[after] == "(":
                if lowered in LABEL_LIST_KEYWORDS:
                    position = skip_group(after, "(", ")")
                continue  # a function or an aggregation
            if lowered in LABEL_LIST_KEYWORDS or lowered in OTHER_KEYWORDS:
                continue
            if lowered in AGGREGATIONS and following and following.group(0).lower() in ("by", "without"):
                continue
            names.append(word)
        else:
            position += 1
    return names


# --- the files of the folder ---------------------------------------------------------------------------------


def rules_files(folder):
    return sorted(
        path for path in glob.glob(os.path.join(folder, "rules", "*.yml")) if not path.endswith(".test.yml")
    )


def test_files(folder):
    return sorted(glob.glob(os.path.join(folder, "rules", "*.test.yml")))


def rules_of(path):
    document = load_yaml(path) or {}
    for group in document.get("groups") or []:
        for rule in group.get("rules") or []:
            yield rule


DASHBOARD = os.path.join("grafana", "failoverd-dashboard.json")
# Grafana's built-in variables, replaced by a value of the same kind.
INTERVALS = {"__rate_interval": "5m", "__interval": "5m", "__range": "5m"}
INTERVALS.update({"__range_s": "300", "__range_ms": "300000", "__interval_ms": "300000"})
ALLOWED_PANELS = {"row", "timeseries", "stat", "state-timeline", "table"}


def dashboard_expressions(folder):
    """([(where, expression, PromQL)], problems): every expression of the dashboard, and it with Grafana's
    variables replaced by something valid in PromQL (`.*` for values, which matchers take as regexes; 5m for
    intervals); problems are those of the dashboard's structure."""
    path = os.path.join(folder, DASHBOARD)
    with open(path, encoding="utf-8") as file:
        dashboard = json.load(file)
    problems = []
    variables = (dashboard.get("templating") or {}).get("list") or []
    interval_variables = {v.get("name") for v in variables if v.get("type") == "interval"}
    names = {v.get("name") for v in variables}

    def substitute(expr, where):
        def replace(match):
            name = match.group(1) or match.group(2) or match.group(3)
            if name in INTERVALS:
                return INTERVALS[name]
            if name not in names:
                problems.append(f"{where}: ${name} is not a variable of the dashboard")
            return "5m" if name in interval_variables else ".*"

        for equal in re.finditer(r'[A-Za-z_]\w*\s*!?=\s*"[^"]*\$[^"]*"', expr):
            matcher = equal.group(0)
            problems.append(f"{where}: {matcher} takes a variable with `=`: use =~ (All and multi-value are regexes)")
        return re.sub(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)", replace, expr)

    found = []
    if dashboard.get("schemaVersion") is None:
        problems.append("the dashboard has no schemaVersion")
    datasources = [v for v in variables if v.get("type") == "datasource"]
    if not any(v.get("name") == "datasource" and v.get("query") == "prometheus" for v in datasources):
        problems.append("the dashboard has no `datasource` variable of type datasource for prometheus")

    def walk(panels):
        for panel in panels or []:
            yield panel
            yield from walk(panel.get("panels"))

    seen_ids = set()
    for panel in walk(dashboard.get("panels")):
        title = panel.get("title", "?")
        kind = panel.get("type")
        if kind not in ALLOWED_PANELS:
            problems.append(f"panel {title!r}: type {kind!r} is not one of {sorted(ALLOWED_PANELS)}")
        if panel.get("id") in seen_ids:
            problems.append(f"panel {title!r}: id {panel.get('id')} used twice")
        seen_ids.add(panel.get("id"))
        if kind == "row":
            continue
        if (panel.get("datasource") or {}).get("uid") != "${datasource}":
            problems.append(f"panel {title!r}: its datasource is not ${{datasource}}")
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"panel {title!r}: no query")
        for target in targets:
            where = f"panel {title!r} query {target.get('refId', '?')}"
            if (target.get("datasource") or {}).get("uid") not in (None, "${datasource}"):
                problems.append(f"{where}: its datasource is not ${{datasource}}")
            if not target.get("expr"):
                problems.append(f"{where}: no expr")
                continue
            found.append((where, target["expr"], substitute(target["expr"], where)))
    for variable in variables:
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        where = f"variable ${variable.get('name')}"
        label_values = re.fullmatch(r"\s*label_values\((.*),\s*([A-Za-z_]\w*)\s*\)\s*", query or "", re.S)
        if label_values:
            query = label_values.group(1)
        elif re.fullmatch(r"\s*label_values\(\s*[A-Za-z_]\w*\s*\)\s*", query or ""):
            continue
        elif re.match(r"\s*query_result\(", query or ""):
            query = re.fullmatch(r"\s*query_result\((.*)\)\s*", query, re.S).group(1)
        found.append((where, query, substitute(query, where)))
    for annotation in (dashboard.get("annotations") or {}).get("list") or []:
        if annotation.get("expr"):
            where = f"annotation {annotation.get('name')!r}"
            found.append((where, annotation["expr"], substitute(annotation["expr"], where)))
    for text in strings_in(dashboard):
        for link in re.findall(r"https?://\S+", text):
            problems.append(f"an external link or resource: {link}")
    return found, problems


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def command_dashboard(folder, workdir):
    expressions, problems = dashboard_expressions(folder)
    if not expressions:
        problems.append("no PromQL expression found in the dashboard")
    rules_path = os.path.join(workdir, "dashboard.rules.yml")
    with open(rules_path, "w", encoding="utf-8") as file:
        file.write("groups:\n  - name: dashboard\n    rules:\n")
        for number, (where, _, expr) in enumerate(expressions, 1):
            file.write(f"      # {where}\n      - record: dashboard:expr_{number}\n")
            file.write(f"        expr: {json.dumps(expr)}\n")
    result = subprocess.run(
        ["promtool", "check", "rules", "--lint=none", rules_path], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        problems.append("promtool check rules on the dashboard's expressions:\n" + output)
        for number in sorted({int(n) for n in re.findall(r"dashboard:expr_(\d+)", output)}):
            where, original, _ = expressions[number - 1]
            problems.append(f"dashboard:expr_{number} is {where}: {original}")
    print(f"{len(expressions)} expressions from {DASHBOARD} (panels, variables, annotations)")
    return problems


def command_names(folder, names_file):
    known = {}
    with open(names_file, encoding="utf-8") as file:
        for number, line in enumerate(file, 1):
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            if len(words) > 2 or (len(words) == 2 and words[1] not in ("counter", "gauge", "histogram", "summary")):
                raise CheckError(f"{names_file}:{number}: expected `name [counter|gauge|histogram|summary]`")
            known[words[0]] = words[1] if len(words) == 2 else None
    uses = []
    recorded = set()
    for path in rules_files(folder):
        for rule in rules_of(path):
            if rule.get("record"):
                recorded.add(rule["record"])
            name = rule.get("alert") or rule.get("record")
            uses.append((f"{os.path.relpath(path, folder)}: {name}", rule.get("expr") or ""))
    expressions, _ = dashboard_expressions(folder)
    uses += [(f"{DASHBOARD}: {where}", expr) for where, _, expr in expressions]

    def problem(name):
        if name in recorded:
            return None
        if name in known:
            return f"{name} is a histogram: use {name}_bucket, _sum or _count" if known[name] == "histogram" else None
        base, _, suffix = name.rpartition("_")
        accepted = {"bucket": ("histogram", None), "sum": ("histogram", "summary", None)}
        accepted["count"] = accepted["sum"]
        if base in known and suffix in accepted and known[base] in accepted[suffix]:
            return None
        return f"{name} is not in {os.path.relpath(names_file, folder)}"

    problems, used = [], set()
    for where, expr in uses:
        for name in metric_names(expr):
            used.add(name)
            message = problem(name)
            if message and f"{where}: {message}" not in problems:
                problems.append(f"{where}: {message}")
    print(f"{len(used)} metric names in {len(uses)} expressions of the rules and the dashboard")
    return problems


def command_coverage(folder):
    problems = []
    alerts = {}
    for path in rules_files(folder):
        for rule in rules_of(path):
            if rule.get("alert"):
                alerts[rule["alert"]] = os.path.relpath(path, folder)
    config = load_yaml(os.path.join(folder, "prometheus.yml")) or {}
    loaded = [os.path.normpath(os.path.join(folder, pattern)) for pattern in config.get("rule_files") or []]
    for path in rules_files(folder):
        if not any(fnmatch.fnmatch(os.path.normpath(path), pattern) for pattern in loaded):
            problems.append(f"{os.path.relpath(path, folder)} is not in prometheus.yml's rule_files")
    firing, quiet = set(), set()
    for path in test_files(folder):
        for test in (load_yaml(path) or {}).get("tests") or []:
            for case in test.get("alert_rule_test") or []:
                (firing if case.get("exp_alerts") else quiet).add(case.get("alertname"))
    for alert, path in sorted(alerts.items()):
        if alert not in firing:
            problems.append(f"{path}: {alert} has no unit test where it fires")
        if alert not in quiet:
            problems.append(f"{path}: {alert} has no unit test where it does not fire")
    print(f"{len(alerts)} alerts in {len(rules_files(folder))} rules files, {len(test_files(folder))} test files")
    return problems


def command_routes(folder):
    path = os.path.join(folder, "alertmanager.yml")
    config = load_yaml(path) or {}
    problems = []
    webhook_receivers = set()
    for receiver in config.get("receivers") or []:
        for webhook in receiver.get("webhook_configs") or []:
            if re.search(r"/webhook/?$", webhook.get("url") or webhook.get("url_file") or ""):
                webhook_receivers.add(receiver["name"])
                if webhook.get("send_resolved") == "false":
                    problems.append(f"receiver {receiver['name']}: send_resolved false, incidents would never close")
                if (webhook.get("max_alerts") or "0") != "0":
                    problems.append(f"receiver {receiver['name']}: max_alerts drops alerts failoverd needs")
    if not webhook_receivers:
        problems.append("alertmanager.yml has no webhook receiver posting to failoverd's /webhook")
    checked = 0
    for rules_path in rules_files(folder):
        for rule in rules_of(rules_path):
            if not rule.get("alert"):
                continue
            labels = {"alertname": rule["alert"]}
            labels.update({k: v for k, v in (rule.get("labels") or {}).items() if "{{" not in str(v)})
            arguments = [f"{key}={value}" for key, value in sorted(labels.items())]
            command = ["amtool", "config", "routes", "test", "--config.file", path, *arguments]
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                problems.append(f"amtool config routes test {rule['alert']}: {result.stdout}{result.stderr}".strip())
                continue
            receivers = set(result.stdout.strip().split(","))
            checked += 1
            if labels.get("failover") == "true":
                if not receivers & webhook_receivers:
                    problems.append(f"{rule['alert']} (failover) is routed to {sorted(receivers)}, not to failoverd")
                if not receivers - webhook_receivers:
                    problems.append(f"{rule['alert']} (failover) reaches failoverd only, no people")
            elif receivers & webhook_receivers:
                problems.append(f"{rule['alert']} is not a failover alert but is routed to failoverd")
    print(f"{checked} alerts routed; failoverd's receivers: {', '.join(sorted(webhook_receivers)) or 'none'}")
    return problems


def main(arguments):
    commands = {
        "dashboard": (command_dashboard, 2),
        "names": (command_names, 2),
        "coverage": (command_coverage, 1),
        "routes": (command_routes, 1),
    }
    if not arguments or arguments[0] not in commands or len(arguments) - 1 != commands[arguments[0]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    function, _ = commands[arguments[0]]
    try:
        problems = function(*arguments[1:])
    except (CheckError, OSError, ValueError) as error:
        problems = [str(error)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
