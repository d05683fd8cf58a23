"""PromQL helpers shared by the config lints and the live dashboard check: Grafana variable
substitution, metric-name extraction, the counter-inside-rate check and syntax validation with
promtool. A lexical treatment, not a parser: it is exact for the expressions this project writes
(strings, label matchers and grouping clauses are removed before names are read)."""
import os
import re
import subprocess
import tempfile

# What the Grafana built-ins and the dashboard's variables become outside Grafana.
DEFAULT_SUBSTITUTIONS = {
    "__rate_interval": "1m",
    "__interval": "15s",
    "__range": "5m",
    "__interval_ms": "15000",
    "__range_s": "300",
    "__range_ms": "300000",
    "service": ".*",
    "event_type": ".*",
}

KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
    "offset", "inf", "nan", "atan2",
    # aggregation operators, which may be followed by `by (...)` instead of `(`
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk",
    "topk", "quantile",
}
RANGE_FUNCTIONS = {"rate", "irate", "increase"}
COUNTER_SUFFIXES = ("_total", "_count", "_bucket", "_sum")

_VAR = re.compile(r"\$\{(\w+)(?::[\w]+)?\}|\[\[(\w+)\]\]|\$(\w+)")


def substitute(expr, values=None):
    """Replaces $name, ${name}, ${name:format} and [[name]] with values (unknown names stay)."""
    values = dict(DEFAULT_SUBSTITUTIONS, **(values or {}))

    def repl(match):
        name = match.group(1) or match.group(2) or match.group(3)
        return values.get(name, match.group(0))
    return _VAR.sub(repl, expr)


def variables_in(expr):
    """Grafana variable names in expr ($1 and the like are regex back-references, not variables)."""
    names = {m.group(1) or m.group(2) or m.group(3) for m in _VAR.finditer(expr)}
    return {n for n in names if not n.isdigit()}


def _strip(expr):
    """The expression without strings, label matchers, grouping label lists and range/offset
    durations, so that the identifiers left are functions, keywords and metric names."""
    out = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    out = re.sub(r"\{[^{}]*\}", "", out)
    out = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", r"\1", out)
    out = re.sub(r"\[[^\[\]]*\]", "[]", out)
    out = re.sub(r"\boffset\s+-?\w+", "offset", out)
    return out


def metric_names(expr):
    """Metric names the expression selects."""
    names = set()
    text = _strip(expr)
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        name = m.group(0)
        if m.start() > 0 and (text[m.start() - 1].isdigit() or text[m.start() - 1] == "."):
            continue  # the exponent of a number such as 1e9
        if name.lower() in KEYWORDS or text[m.end():].lstrip().startswith("("):
            continue
        names.add(name)
    # A selector written only as {__name__="..."} names its metric in the matcher.
    names.update(re.findall(r'__name__\s*=\s*"([A-Za-z_:][A-Za-z0-9_:]*)"', expr))
    return names


def counters_outside_rate(expr):
    """Counter-like names (_total, _count, _bucket, _sum) whose innermost enclosing function is
    not rate/irate/increase: summing raw counters gives meaningless, reset-prone numbers."""
    text = _strip(expr)
    bad = []
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        name = m.group(0)
        if not name.endswith(COUNTER_SUFFIXES) or text[m.end():].lstrip().startswith("("):
            continue
        depth, i, func = 0, m.start() - 1, None
        while i >= 0:
            if text[i] == ")":
                depth += 1
            elif text[i] == "(":
                if depth == 0:
                    fm = re.search(r"([A-Za-z_]\w*)\s*$", text[:i])
                    func = fm.group(1) if fm else None
                    # `sum by (x) (...)` was stripped to `sum by (...)`: the aggregation is the
                    # enclosing call, which is never a range function, so it is reported.
                    break
                depth -= 1
            i -= 1
        if func not in RANGE_FUNCTIONS:
            bad.append(name)
    return bad


def range_windows(expr):
    """(function, window) for every rate/irate/increase/*_over_time call's range."""
    return re.findall(r"\b(rate|irate|increase|\w+_over_time)\s*\((?:[^()\[\]]|\([^()]*\))*?\[([^\]]+)\]", expr)


def promtool_invalid(exprs):
    """{index: error} for every expression promtool does not accept (empty when all are valid)."""
    def check(batch):
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            f.write("groups:\n  - name: lint\n    rules:\n")
            for i, expr in batch:
                f.write(f"      - record: lint:expr_{i}\n        expr: {json_quote(expr)}\n")
            path = f.name
        try:
            proc = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True)
            return proc.returncode == 0, (proc.stdout + proc.stderr).strip()
        finally:
            os.unlink(path)

    items = list(enumerate(exprs))
    ok, _ = check(items)
    if ok:
        return {}
    errors = {}
    for item in items:
        ok, out = check([item])
        if not ok:
            errors[item[0]] = out
    return errors


def json_quote(text):
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    import json
    return json.dumps(text)


def known_metrics(path=None):
    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), "known_metrics.txt")
    with open(path, encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}
