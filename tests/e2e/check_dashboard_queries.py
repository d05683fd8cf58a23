#!/usr/bin/env python3
"""Runs every query of the Grafana dashboards against the live stack and fails, listing each
one, if any errors or returns no data.

- Prometheus panel targets: Grafana's variables are substituted ($service and $event_type by
  .*, $__rate_interval by 1m, $__range by --range, ...) and the expression is run as an instant
  query; an error, an empty result or a result of only NaN counts as a failure.
- Variables: label_values(<selector>, <label>) must list at least one value.
- Jaeger panel targets (with --jaeger): a search must find traces, and the trace-ID query is run
  with the ID of one of them.

With --wait N it retries the failing queries every 5 s for up to N seconds (a just-started
chain needs two scrapes before rate() has data) and reports only what still fails.
Ends with the line "N passed, M failed"; exit status 1 when anything failed.

Usage: check_dashboard_queries.py [--prometheus URL] [--jaeger URL | --no-jaeger]
                                  [--range 5m] [--wait 120] [--var name=value ...] [dashboard.json ...]
"""
import argparse
import glob
import json
import math
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "config"))
import promql_tools as pq  # noqa: E402


def get_json(url, timeout=10.0):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read())


class Check:
    """One query to run; run() returns None when it passes, else why it failed."""

    def __init__(self, where, describe, probe):
        self.where, self.describe, self.probe = where, describe, probe

    def run(self):
        try:
            return self.probe()
        except urllib.error.HTTPError as exc:
            body = exc.read().decode(errors="replace")
            try:
                body = json.loads(body).get("error", body)
            except ValueError:
                pass
            return f"HTTP {exc.code}: {body}"
        except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
            return f"{type(exc).__name__}: {exc}"


def prometheus_probe(base, expr, at=None):
    def probe():
        params = {"query": expr}
        if at:
            params["time"] = at
        doc = get_json(f"{base}/api/v1/query?" + urllib.parse.urlencode(params))
        if doc.get("status") != "success":
            return f"query failed: {doc.get('error')}"
        data = doc["data"]
        if data["resultType"] == "scalar":
            return None
        result = data["result"]
        if not result:
            return "no data"
        values = [float(r["value"][1]) for r in result if "value" in r]
        if values and all(math.isnan(v) for v in values):
            return f"only NaN ({len(values)} series)"
        return None
    return probe


def label_values_probe(base, selector, label, at=None):
    def probe():
        params = {"match[]": selector} if selector else {}
        if at:
            params.update(start=str(float(at) - 3600), end=at)
        doc = get_json(f"{base}/api/v1/label/{label}/values?" + urllib.parse.urlencode(params))
        return None if doc.get("data") else "no values"
    return probe


class JaegerState:
    trace_id = None


def jaeger_search_probe(base, target, state):
    def probe():
        params = {"service": target.get("service", ""), "limit": str(target.get("limit") or 20), "lookback": "1h"}
        if target.get("operation"):
            params["operation"] = target["operation"]
        doc = get_json(f"{base}/api/traces?" + urllib.parse.urlencode(params))
        traces = doc.get("data") or []
        if not traces:
            return f"no traces for service {params['service']!r}"
        state.trace_id = traces[0]["traceID"]
        return None
    return probe


def jaeger_trace_probe(base, state):
    def probe():
        if not state.trace_id:
            return "no trace ID to look up (the search found none)"
        doc = get_json(f"{base}/api/traces/{state.trace_id}")
        return None if doc.get("data") else f"trace {state.trace_id} not found"
    return probe


def build_checks(dashboard_path, args, values):
    with open(dashboard_path, encoding="utf-8") as f:
        dash = json.load(f)
    name = os.path.basename(dashboard_path)
    checks = []
    for var in (dash.get("templating") or {}).get("list", []):
        if var.get("type") != "query":
            continue
        query = var.get("definition") or (var.get("query") or {}).get("query", "")
        m = re.match(r"label_values\((?:(.*),\s*)?(\w+)\)$", query)
        if not m:
            continue
        selector = pq.substitute(m.group(1) or "", values)
        checks.append(Check(f"{name} variable {var['name']}", query, label_values_probe(args.prometheus, selector, m.group(2), args.time)))
    state = JaegerState()
    panels = []
    for p in dash.get("panels", []):
        panels.append(p)
        panels.extend(p.get("panels", []) or [])
    jaeger_trace_checks = []
    for p in panels:
        for t in p.get("targets", []) or []:
            ds = t.get("datasource") or p.get("datasource") or {}
            where = f"{name} panel '{p.get('title')}' query {t.get('refId')}"
            if ds.get("type") == "prometheus":
                expr = pq.substitute(t.get("expr", ""), values)
                checks.append(Check(where, expr, prometheus_probe(args.prometheus, expr, args.time)))
            elif ds.get("type") == "jaeger" and args.jaeger:
                if t.get("queryType") == "search":
                    checks.append(Check(where, f"Jaeger search service={t.get('service')}", jaeger_search_probe(args.jaeger, t, state)))
                elif "trace_id" in t.get("query", ""):
                    jaeger_trace_checks.append(Check(where, "Jaeger trace by ID", jaeger_trace_probe(args.jaeger, state)))
    return checks + jaeger_trace_checks  # lookups by ID after the search that finds an ID


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dashboards", nargs="*")
    parser.add_argument("--prometheus", default="http://127.0.0.1:9090")
    parser.add_argument("--jaeger", default="http://127.0.0.1:16686")
    parser.add_argument("--no-jaeger", action="store_true", help="skip the Jaeger panels")
    parser.add_argument("--range", default="5m", help="what $__range becomes (default %(default)s)")
    parser.add_argument("--wait", type=float, default=0, help="retry failures for up to this many seconds")
    parser.add_argument("--time", help="evaluate at this Unix time instead of now")
    parser.add_argument("--var", action="append", default=[], help="name=value for a dashboard variable")
    args = parser.parse_args(argv)
    if args.no_jaeger:
        args.jaeger = None
    args.prometheus = args.prometheus.rstrip("/")
    args.jaeger = args.jaeger.rstrip("/") if args.jaeger else None
    values = {"__range": args.range}
    values.update(dict(v.split("=", 1) for v in args.var))
    paths = args.dashboards or sorted(glob.glob(os.path.join(ROOT, "observability", "grafana", "dashboards", "*.json")))

    checks = [c for path in paths for c in build_checks(path, args, values)]
    deadline = time.monotonic() + args.wait
    pending = checks
    while True:
        failures = [(c, r) for c, r in ((c, c.run()) for c in pending) if r]
        if not failures or time.monotonic() >= deadline:
            break
        print(f"{len(failures)} of {len(checks)} queries have no data yet; retrying", flush=True)
        time.sleep(5)
        failed = {id(c) for c, _ in failures}
        # A trace lookup needs the ID its search finds: retry the Jaeger checks together, in order.
        retry_jaeger = any(c.describe.startswith("Jaeger") for c, _ in failures)
        pending = [c for c in checks if id(c) in failed or (retry_jaeger and c.describe.startswith("Jaeger"))]
    for check, reason in failures:
        print(f"FAIL {check.where}: {reason}\n     {check.describe}")
    print(f"{len(checks) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
