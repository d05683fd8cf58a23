#!/usr/bin/env python3
"""Checks observability/prometheus/alert_rules.yml beyond what promtool checks:
- every alert the issue names exists, with its severity, threshold duration (`for:`);
- every alert has severity (critical|warning), family, summary, description, and a runbook_url
  pointing at README.md#runbook-<alertname in lower case>;
- alert names are unique and every metric an expression selects is a known metric;
- every alert has, in observability/prometheus/tests/*.yml, a case where it fires and one where
  it is expected quiet.
Exit status 0 when clean; findings are printed one per line."""
import glob
import os
import sys

import yaml

import promql_tools as pq

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RULES = os.path.join(ROOT, "observability", "prometheus", "alert_rules.yml")
TESTS = os.path.join(ROOT, "observability", "prometheus", "tests")
RUNBOOK_BASE = "https://github.com/edaobs/edaobs#runbook-"

# The spec's alerts (issue 5, item 2) and the ones the issue adds: name -> (severity, for).
REQUIRED = {
    "EventProcessingErrorRateHigh": ("critical", "5m"),
    "EventProcessingLatencyHigh": ("critical", "10m"),
    "ServiceMemoryHigh": ("critical", "15m"),
    "MessageBrokerConnectionFailures": ("critical", "2m"),
    "EventProcessingRateDrop": ("warning", "10m"),
    "ServiceCpuHigh": ("warning", "20m"),
    "TraceErrorRateHigh": ("warning", "15m"),
    "KafkaConsumerLagHigh": ("warning", "10m"),
    "DeadLetterEventsHigh": ("warning", "10m"),
    "EventAgeHigh": ("warning", "10m"),
    "TelemetrySpansDropped": ("warning", "10m"),
    "TelemetryLogLinesDropped": ("warning", "10m"),
}


def load_alerts(path=RULES):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return [r for g in doc.get("groups", []) for r in g.get("rules", []) if "alert" in r]


def test_cases(test_dir=TESTS):
    """alertname -> {"fires": n, "quiet": n} over every alert_rule_test in the test files."""
    cases = {}
    for path in sorted(glob.glob(os.path.join(test_dir, "*.yml"))):
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        for test in doc.get("tests", []):
            for check in test.get("alert_rule_test", []):
                entry = cases.setdefault(check["alertname"], {"fires": 0, "quiet": 0})
                entry["fires" if check.get("exp_alerts") else "quiet"] += 1
    return cases


def lint(alerts, cases, known):
    findings = []
    names = [a["alert"] for a in alerts]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        findings.append(f"{dup}: defined more than once")
    by_name = {a["alert"]: a for a in alerts}
    for name, (severity, duration) in REQUIRED.items():
        a = by_name.get(name)
        if a is None:
            findings.append(f"{name}: required alert is missing")
            continue
        if (a.get("labels") or {}).get("severity") != severity:
            findings.append(f"{name}: severity must be {severity}")
        if a.get("for") != duration:
            findings.append(f"{name}: for must be {duration}, is {a.get('for')}")
    for a in alerts:
        name, labels, ann = a["alert"], a.get("labels") or {}, a.get("annotations") or {}
        if labels.get("severity") not in ("critical", "warning"):
            findings.append(f"{name}: severity must be critical or warning")
        if not labels.get("family"):
            findings.append(f"{name}: a family label is needed for inhibition")
        if not a.get("for"):
            findings.append(f"{name}: no for: duration; a single evaluation would page")
        for key in ("summary", "description"):
            if not str(ann.get(key, "")).strip():
                findings.append(f"{name}: annotation {key} is missing")
        if ann.get("runbook_url") != RUNBOOK_BASE + name.lower():
            findings.append(f"{name}: runbook_url must be {RUNBOOK_BASE + name.lower()}")
        unknown = pq.metric_names(a["expr"]) - known
        if unknown:
            findings.append(f"{name}: unknown metrics {sorted(unknown)}")
        got = cases.get(name, {"fires": 0, "quiet": 0})
        if not got["fires"]:
            findings.append(f"{name}: no promtool test case where it fires")
        if not got["quiet"]:
            findings.append(f"{name}: no promtool test case where it stays quiet")
    return findings


def main():
    findings = lint(load_alerts(), test_cases(), pq.known_metrics())
    for f in findings:
        print(f)
    print(f"{len(load_alerts())} alerts checked: {len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
