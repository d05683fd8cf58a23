#!/usr/bin/env python3
"""Lints the Grafana dashboards and their provisioning.

Grafana's dashboard-linter (github.com/grafana/dashboard-linter) is not served by the Go module
mirror these machines reach, so this check implements its rules that apply here, under the same
rule names, and honours the same exclusion file (observability/grafana/dashboards/.lint):
  template-datasource-rule, template-job-rule, template-instance-rule,
  template-label-promql-rule, template-on-time-change-reload-rule, template-uneditable-rule,
  panel-datasource-rule, panel-title-description-rule, panel-units-rule, panel-no-targets-rule,
  target-promql-rule, target-rate-interval-rule, target-counter-agg-rule, target-job-rule,
  target-instance-rule.
plus the project's own rules (edaobs-*): what the spec asks the dashboard to have (uid, schema
version, variables, time ranges, the required panel kinds), a sane layout (unique ids, grid
within 24 columns, no overlapping panels), metric names from tests/config/known_metrics.txt, and
data source uids that the provisioning defines.

Usage: lint_dashboard.py [dashboard.json ...]   (default: every dashboard in the repository)
Exit status 0 when clean; otherwise every finding is printed, one per line.
"""
import glob
import json
import os
import re
import sys

import yaml

import promql_tools as pq

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GRAFANA = os.path.join(ROOT, "observability", "grafana")
DATASOURCES = os.path.join(GRAFANA, "provisioning", "datasources", "datasources.yml")

# Grafana's unit ids that this project uses or may reasonably use.
VALID_UNITS = {
    "none", "short", "percent", "percentunit", "s", "ms", "µs", "ns", "m", "h", "d", "dtdurations",
    "bytes", "decbytes", "bits", "Bps", "binBps", "ops", "reqps", "rps", "wps", "iops", "cps",
    "opm", "rpm", "wpm", "locale", "bool", "dateTimeAsIso",
}
UNIT_PANELS = {"timeseries", "stat", "gauge", "bargauge", "heatmap", "piechart", "table", "nodeGraph"}
NO_TARGET_PANELS = {"row", "text", "news", "dashlist", "alertlist"}
REQUIRED_TIME_OPTIONS = ["5m", "15m", "1h", "6h", "24h", "7d"]


class Linter:
    def __init__(self, path, exclusions, datasource_uids):
        self.path = path
        self.rel = os.path.relpath(path, ROOT)
        self.exclusions = exclusions
        self.datasource_uids = datasource_uids
        self.findings = []
        with open(path, encoding="utf-8") as f:
            self.dash = json.load(f)

    def report(self, rule, message, panel=None):
        excl = self.exclusions.get(rule)
        if excl is not None:
            entries = excl.get("entries")
            if not entries:
                return  # the whole rule is excluded, with a reason
            if panel is not None and any(e.get("panel") == panel for e in entries):
                return
        where = f" [panel '{panel}']" if panel else ""
        self.findings.append(f"{self.rel}: {rule}{where}: {message}")

    # ------------------------------------------------------------------ dashboard level
    def lint_dashboard(self):
        d = self.dash
        if d.get("uid") != "eda-system" and os.path.basename(self.path) == "eda-system-dashboard.json":
            self.report("edaobs-dashboard-uid", f"uid is {d.get('uid')!r}, expected 'eda-system'")
        if not isinstance(d.get("schemaVersion"), int) or d["schemaVersion"] < 36:
            self.report("edaobs-schema-version", f"schemaVersion {d.get('schemaVersion')} is below 36")
        if not d.get("title"):
            self.report("edaobs-dashboard-title", "the dashboard has no title")
        if d.get("editable", True):
            self.report("template-uneditable-rule", "dashboards provisioned from files should not be editable")
        # Grafana's schema offers time ranges as timepicker.quick_ranges (time_options is gone).
        ranges = (d.get("timepicker") or {}).get("quick_ranges") or []
        opts = [r.get("from", "")[len("now-"):] for r in ranges if r.get("to") == "now" and r.get("from", "").startswith("now-")]
        missing = [o for o in REQUIRED_TIME_OPTIONS if o not in opts]
        if missing:
            self.report("edaobs-time-options", f"timepicker.quick_ranges lacks now-{missing}")
        if not (d.get("timepicker") or {}).get("refresh_intervals"):
            self.report("edaobs-time-options", "timepicker.refresh_intervals is empty")

    def lint_templating(self):
        variables = {v.get("name"): v for v in (self.dash.get("templating") or {}).get("list", [])}
        ds = variables.get("datasource")
        if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
            self.report("template-datasource-rule", "a variable 'datasource' of type datasource with query 'prometheus' is required")
        for name in ("job", "instance"):
            if name not in variables:
                self.report(f"template-{name}-rule", f"no '{name}' variable")
        for name in ("service", "event_type"):
            v = variables.get(name)
            if not v:
                self.report("edaobs-variables", f"variable '{name}' is missing")
                continue
            if not (v.get("multi") and v.get("includeAll")):
                self.report("edaobs-variables", f"variable '{name}' must be multi-select with All")
            query = v.get("definition") or (v.get("query") or {}).get("query", "")
            if not re.match(rf"label_values\(events_processed_total(\{{.*\}})?,\s*{name}\)$", query):
                self.report("edaobs-variables", f"variable '{name}' must come from label_values(events_processed_total, {name}), not {query!r}")
        for v in variables.values():
            if v.get("type") != "query":
                continue
            if v.get("refresh") != 2:
                self.report("template-on-time-change-reload-rule", f"variable '{v.get('name')}' should refresh on time range change (refresh: 2)")
            if (v.get("datasource") or {}).get("uid") not in ("${datasource}", "$datasource"):
                self.report("template-datasource-rule", f"variable '{v.get('name')}' should use the $datasource variable")
            query = v.get("definition") or (v.get("query") or {}).get("query", "")
            m = re.match(r"label_values\((.*),\s*\w+\)$", query)
            selector = m.group(1) if m else query
            errors = pq.promtool_invalid([pq.substitute(selector)])
            if errors:
                self.report("template-label-promql-rule", f"variable '{v.get('name')}': {errors[0]}")
            unknown = pq.metric_names(selector) - pq.known_metrics()
            if unknown:
                self.report("edaobs-known-metrics", f"variable '{v.get('name')}' uses unknown metrics {sorted(unknown)}")

    # ------------------------------------------------------------------ panels
    def panels(self):
        for p in self.dash.get("panels", []):
            yield p
            for child in p.get("panels", []) or []:
                yield child

    def lint_layout(self):
        ids, cells = {}, {}
        for p in self.panels():
            pid = p.get("id")
            if pid in ids:
                self.report("edaobs-layout", f"panel id {pid} is used twice ('{ids[pid]}')", p.get("title"))
            ids[pid] = p.get("title")
            g = p.get("gridPos") or {}
            x, y, w, h = (g.get(k) for k in ("x", "y", "w", "h"))
            if None in (x, y, w, h) or x < 0 or w <= 0 or h <= 0 or x + w > 24:
                self.report("edaobs-layout", f"gridPos {g} is not inside the 24-column grid", p.get("title"))
                continue
            for cx in range(x, x + w):
                for cy in range(y, y + h):
                    if (cx, cy) in cells:
                        self.report("edaobs-layout", f"overlaps panel '{cells[(cx, cy)]}'", p.get("title"))
                        break
                    cells[(cx, cy)] = p.get("title")
                else:
                    continue
                break

    def lint_panels(self):
        kinds = {}
        prom_exprs = []  # (panel title, refId, substituted expr)
        for p in self.panels():
            ptype, title = p.get("type"), p.get("title")
            kinds.setdefault(ptype, []).append(p)
            if ptype == "row":
                continue
            if not title or not p.get("description"):
                self.report("panel-title-description-rule", "panels need a title and a description", title)
            targets = p.get("targets") or []
            if ptype not in NO_TARGET_PANELS and not targets:
                self.report("panel-no-targets-rule", "the panel has no queries", title)
            if ptype in UNIT_PANELS and ptype not in ("nodeGraph", "table"):
                unit = ((p.get("fieldConfig") or {}).get("defaults") or {}).get("unit")
                if unit not in VALID_UNITS:
                    self.report("panel-units-rule", f"unit {unit!r} is missing or not a Grafana unit id", title)
            ds = p.get("datasource") or {}
            for t in targets:
                tds = t.get("datasource") or ds
                uid, dtype = tds.get("uid"), tds.get("type")
                if dtype == "prometheus":
                    if uid not in ("${datasource}", "$datasource"):
                        self.report("panel-datasource-rule", f"query {t.get('refId')} uses uid {uid!r} instead of the $datasource variable", title)
                    self.lint_promql(p, t, prom_exprs)
                elif uid not in self.datasource_uids:
                    self.report("edaobs-datasource-uid", f"query {t.get('refId')} uses data source uid {uid!r}, which datasources.yml does not define", title)
        self.lint_required_panels(kinds)
        errors = pq.promtool_invalid([e for _, _, e in prom_exprs])
        for index, message in errors.items():
            title, ref, _ = prom_exprs[index]
            self.report("target-promql-rule", f"query {ref} is not valid PromQL: {message}", title)

    def lint_promql(self, panel, target, prom_exprs):
        title, ref, expr = panel.get("title"), target.get("refId"), target.get("expr", "")
        if not expr.strip():
            self.report("target-promql-rule", f"query {ref} is empty", title)
            return
        prom_exprs.append((title, ref, pq.substitute(expr)))
        for func, window in pq.range_windows(expr):
            if func in pq.RANGE_FUNCTIONS and window != "$__rate_interval":
                self.report("target-rate-interval-rule", f"query {ref}: {func}(...[{window}]) should use $__rate_interval", title)
        for name in pq.counters_outside_rate(expr):
            self.report("target-counter-agg-rule", f"query {ref}: counter {name} is used without rate/increase", title)
        matchers = " ".join(re.findall(r"\{([^{}]*)\}", expr))
        if "job" not in matchers:
            self.report("target-job-rule", f"query {ref} has no job matcher", title)
        if "instance" not in matchers:
            self.report("target-instance-rule", f"query {ref} has no instance matcher", title)
        unknown = pq.metric_names(expr) - pq.known_metrics()
        if unknown:
            self.report("edaobs-known-metrics", f"query {ref} uses unknown metrics {sorted(unknown)}", title)
        undefined = pq.variables_in(expr) - set(pq.DEFAULT_SUBSTITUTIONS)
        if undefined:
            self.report("edaobs-variables", f"query {ref} uses undefined variables {sorted(undefined)}", title)

    def lint_required_panels(self, kinds):
        """The spec's panels, by kind and by what they query."""
        def exprs(ptype):
            return [t.get("expr", "") for p in kinds.get(ptype, []) for t in p.get("targets", [])]
        checks = [
            ("timeseries", lambda: any("events_processed_total" in e and "event_type" in e for e in exprs("timeseries")),
             "an event processing rate time series by service and event type"),
            ("stat", lambda: any(len((p.get("fieldConfig", {}).get("defaults", {}).get("thresholds") or {}).get("steps", [])) >= 2
                                 and any("success=\"false\"" in t.get("expr", "") for t in p.get("targets", []))
                                 for p in kinds.get("stat", [])),
             "a processing errors stat with thresholds"),
            ("piechart", lambda: any("event_type" in e for e in exprs("piechart")), "an event type pie chart"),
            ("timeseries", lambda: all(any(f"histogram_quantile({q}" in e and "event_processing_duration_seconds_bucket" in e
                                           for e in exprs("timeseries")) for q in ("0.50", "0.95", "0.99")),
             "processing latency p50/p95/p99"),
            ("traces", lambda: bool(kinds.get("traces")), "a Jaeger trace panel"),
            ("nodeGraph", lambda: any("traces_service_graph_request_total" in e for e in exprs("nodeGraph")),
             "a service map from servicegraph metrics"),
            ("heatmap", lambda: any("traces_span_metrics_duration_seconds_bucket" in e for e in exprs("heatmap")),
             "a span/trace duration distribution"),
            ("timeseries", lambda: all(any(m in e for e in exprs("timeseries")) for m in
                                       ("process_cpu_seconds_total", "process_resident_memory_bytes", "process_threads")),
             "CPU, memory and threads per service"),
            ("timeseries", lambda: all(any(m in e for e in exprs("timeseries") + exprs("stat")) for m in
                                       ("message_broker_connection_errors_total", "message_broker_publish_duration_seconds",
                                        "message_broker_consume_duration_seconds")),
             "broker health: connection errors, publish/consume rates and latency"),
            ("timeseries", lambda: any("kafka_consumer_lag" in e for e in exprs("timeseries")), "consumer lag"),
            ("timeseries", lambda: any("event_age_seconds_bucket" in e for e in exprs("timeseries")), "end-to-end event age"),
        ]
        if os.path.basename(self.path) != "eda-system-dashboard.json":
            return
        for kind, ok, what in checks:
            if not ok():
                self.report("edaobs-required-panels", f"the dashboard lacks {what} ({kind} panel)")

    def run(self):
        self.lint_dashboard()
        self.lint_templating()
        self.lint_layout()
        self.lint_panels()
        return self.findings


def load_exclusions(dashboard_path):
    path = os.path.join(os.path.dirname(dashboard_path), ".lint")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f) or {}
    exclusions = doc.get("exclusions") or {}
    for rule, excl in exclusions.items():
        if not (excl or {}).get("reason"):
            raise SystemExit(f"{os.path.relpath(path, ROOT)}: the exclusion of {rule} needs a reason")
    return {rule: excl or {} for rule, excl in exclusions.items()}


def lint_provisioning():
    """The data sources the dashboards and links rely on."""
    findings = []
    with open(DATASOURCES, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    sources = {d["uid"]: d for d in doc.get("datasources", [])}
    for uid, dtype in (("prometheus", "prometheus"), ("jaeger", "jaeger"), ("victorialogs", "victoriametrics-logs-datasource")):
        if sources.get(uid, {}).get("type") != dtype:
            findings.append(f"datasources.yml: a {dtype} data source with uid '{uid}' is required")
    for dest in (sources.get("prometheus", {}).get("jsonData") or {}).get("exemplarTraceIdDestinations", []) or [{}]:
        if dest.get("datasourceUid") not in sources or dest.get("name") != "trace_id":
            findings.append(f"datasources.yml: exemplar destination {dest} must link label trace_id to a provisioned uid")
    t2m = (sources.get("jaeger", {}).get("jsonData") or {}).get("tracesToMetrics") or {}
    if t2m.get("datasourceUid") not in sources:
        findings.append("datasources.yml: Jaeger tracesToMetrics must point at a provisioned data source")
    for q in t2m.get("queries", []):
        expr = q.get("query", "")
        if "$__tags" in expr.replace("$$__tags", ""):
            findings.append(f"datasources.yml: write $$__tags in provisioning (Grafana expands $VAR): {expr}")
        errors = pq.promtool_invalid([expr.replace("$$__tags", 'service="x"')])
        if errors:
            findings.append(f"datasources.yml: tracesToMetrics query {q.get('name')!r} is not valid PromQL: {errors[0]}")
    t2l = (sources.get("jaeger", {}).get("jsonData") or {}).get("tracesToLogsV2") or {}
    if sources.get(t2l.get("datasourceUid"), {}).get("type") != "victoriametrics-logs-datasource":
        findings.append("datasources.yml: Jaeger tracesToLogsV2 must point at the VictoriaLogs data source")
    if "trace_id:" not in t2l.get("query", "") or "$${__trace.traceId}" not in t2l.get("query", ""):
        findings.append("datasources.yml: the tracesToLogsV2 query must select trace_id:\"$${__trace.traceId}\"")
    return findings, set(sources)


def main(argv):
    paths = argv[1:] or sorted(glob.glob(os.path.join(GRAFANA, "dashboards", "*.json")))
    if not paths:
        print("no dashboards found")
        return 1
    findings, uids = lint_provisioning()
    for path in paths:
        findings += Linter(path, load_exclusions(path), uids).run()
    for finding in findings:
        print(finding)
    print(f"{len(paths)} dashboard(s) linted: {len(findings)} finding(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
