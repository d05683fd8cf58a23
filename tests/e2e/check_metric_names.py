#!/usr/bin/env python3
"""Fails, naming each one, if a metric that an alert rule, a recording rule or a dashboard query
uses is not emitted by anything Prometheus scrapes.

Names are read from every rule expression in the Prometheus rule files and from every PromQL
target and query variable of the Grafana dashboards (promql_tools.metric_names); they must all
appear in the live Prometheus (`/api/v1/label/__name__/values`). Run it while the chain is driven
through its error paths, so that series which only exist once something failed (dead letters,
decode failures, ALERTS) have had their chance to appear. Recording-rule outputs count as
emitted by Prometheus itself.

With --wait N it polls every 5 s for up to N seconds and reports only what is still missing.
Ends with the line "N passed, M failed"; exit status 1 when anything is missing.

Usage: check_metric_names.py [--prometheus URL] [--wait 120] [--rules FILE ...] [--dashboard FILE ...]
"""
import argparse
import glob
import json
import os
import re
import sys
import time
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "config"))
import promql_tools as pq  # noqa: E402


def rule_names(paths):
    """{metric name: [where it is used]} for the rule files."""
    used = {}
    for path in paths:
        with open(path) as f:
            doc = yaml.safe_load(f) or {}
        for group in doc.get("groups", []):
            for rule in group.get("rules", []):
                where = f"{os.path.basename(path)}: {rule.get('alert') or rule.get('record')}"
                for name in pq.metric_names(str(rule.get("expr", ""))):
                    used.setdefault(name, []).append(where)
    return used


def dashboard_names(paths):
    used = {}

    def panels(items):
        for panel in items or []:
            yield panel
            yield from panels(panel.get("panels"))

    for path in paths:
        with open(path) as f:
            dash = json.load(f)
        title = dash.get("title", os.path.basename(path))
        for panel in panels(dash.get("panels")):
            for target in panel.get("targets", []):
                if "expr" not in target:
                    continue  # not PromQL (e.g. a Jaeger query)
                for name in pq.metric_names(pq.substitute(target["expr"])):
                    used.setdefault(name, []).append(f"{title}: panel '{panel.get('title')}'")
        for var in (dash.get("templating") or {}).get("list", []):
            if var.get("type") != "query":
                continue
            query = var.get("definition") or (var.get("query") or {}).get("query", "")
            selector = re.match(r"label_values\((.*),\s*\w+\)$", query)
            for name in pq.metric_names(selector.group(1) if selector else query):
                used.setdefault(name, []).append(f"{title}: variable '{var.get('name')}'")
    return used


def live_names(prometheus):
    with urllib.request.urlopen(f"{prometheus}/api/v1/label/__name__/values", timeout=10) as resp:
        return set(json.loads(resp.read())["data"])


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prometheus", default="http://127.0.0.1:9090")
    parser.add_argument("--wait", type=float, default=0)
    parser.add_argument("--rules", nargs="*",
                        default=sorted(glob.glob(os.path.join(ROOT, "observability", "prometheus", "*rules*.yml"))))
    parser.add_argument("--dashboard", nargs="*",
                        default=sorted(glob.glob(os.path.join(ROOT, "observability", "grafana", "dashboards", "*.json"))))
    args = parser.parse_args(argv)

    used = rule_names(args.rules)
    for name, where in dashboard_names(args.dashboard).items():
        used.setdefault(name, []).extend(where)
    if not used:
        print("no metric names found in the rules and dashboards: wrong paths?")
        print("0 passed, 1 failed")
        return 1
    deadline = time.monotonic() + args.wait
    while True:
        try:
            missing = sorted(set(used) - live_names(args.prometheus))
        except OSError as exc:
            print(f"cannot ask Prometheus at {args.prometheus}: {exc}")
            print(f"0 passed, {len(used)} failed")
            return 1
        if not missing or time.monotonic() >= deadline:
            break
        time.sleep(5)
    for name in missing:
        print(f"MISSING {name}: used by {'; '.join(sorted(set(used[name])))}")
    print(f"{len(used) - len(missing)} passed, {len(missing)} failed")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
