"""The signals' backends on the live stack: a log record sent to the Collector over OTLP lands in
VictoriaLogs and is found by its trace id; Jaeger keeps a trace across a restart (Badger on disk);
every trace -> logs link the configs generate (Jaeger UI link patterns, Grafana's trace -> logs
query, the dashboard's logs panel) returns exactly that trace's log lines."""
import json
import os
import re
import subprocess
import time
import unittest
import urllib.parse

import e2elib as e2e

OBS = os.path.join(e2e.ROOT, "observability")


def post_span(trace_id, span_id, service, name="signals span", **tags):
    now_ns = time.time_ns()
    e2e.http_json(f"{e2e.OTLP_HTTP}/v1/traces", body={"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeSpans": [{"scope": {"name": "e2e"}, "spans": [{
            "traceId": trace_id, "spanId": span_id, "name": name, "kind": 1,
            "startTimeUnixNano": str(now_ns - 3_000_000), "endTimeUnixNano": str(now_ns),
            "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in tags.items()],
        }]}],
    }]})


def stack_script(name, *components):
    out = subprocess.run([os.path.join(e2e.ROOT, "scripts", name), *components], capture_output=True, text=True,
                         timeout=180)
    if out.returncode != 0:
        raise AssertionError(f"{name} {' '.join(components)} failed: {out.stdout}{out.stderr}")


class LogPipelineTest(unittest.TestCase):
    def test_log_record_posted_to_the_collector_is_found_in_victorialogs_by_trace_id(self):
        trace_id, span_id = e2e.random_hex(16), e2e.random_hex(8)
        service = f"e2e-logs-{e2e.random_hex(3)}"
        e2e.post_otlp_log(service, trace_id, span_id, "payment authorised", event_id="e-7", amount_cents="4200")

        records = e2e.wait_for(f"the log record of trace {trace_id} in VictoriaLogs",
                               lambda: e2e.logs_of_trace(trace_id), timeout=60)
        self.assertEqual(1, len(records), records)
        got = records[0]
        self.assertEqual("payment authorised", got["_msg"])
        self.assertEqual(trace_id, got["trace_id"])
        self.assertEqual(span_id, got["span_id"])
        self.assertEqual(service, got["service.name"])
        self.assertEqual("INFO", got["severity_text"])
        self.assertEqual("e-7", got["event_id"])
        # service.name is the only stream field (the Collector sends VL-Stream-Fields).
        self.assertEqual(f'{{service.name="{service}"}}', got["_stream"])


    def test_prometheus_scrapes_victorialogs(self):
        def up():
            active = e2e.http_json(f"{e2e.PROMETHEUS}/api/v1/targets")["data"]["activeTargets"]
            return [t for t in active if t["labels"]["job"] == "victorialogs" and t["health"] == "up"]

        targets = e2e.wait_for("the victorialogs scrape target up", up, timeout=60)
        self.assertEqual(["127.0.0.1:9428"], [t["labels"]["instance"] for t in targets])


class TraceStorageTest(unittest.TestCase):
    def test_trace_is_found_again_after_jaeger_restarts(self):
        trace_id, span_id = e2e.random_hex(16), e2e.random_hex(8)
        post_span(trace_id, span_id, f"e2e-badger-{e2e.random_hex(3)}")
        e2e.wait_for(f"trace {trace_id} in Jaeger", lambda: e2e.jaeger_trace(trace_id), timeout=60)

        stack_script("stack-down.sh", "jaeger")
        stack_script("stack-up.sh", "jaeger")

        trace = e2e.wait_for(f"trace {trace_id} in Jaeger after its restart", lambda: e2e.jaeger_trace(trace_id),
                             timeout=30)
        self.assertEqual([span_id], [s["spanID"] for s in trace["spans"]])


class TraceToLogsLinksTest(unittest.TestCase):
    """Two traces each with their own log line: every link built for one returns its line and
    not the other's."""

    @classmethod
    def setUpClass(cls):
        cls.service = f"e2e-links-{e2e.random_hex(3)}"
        cls.traces = {}
        for n in range(2):
            trace_id, span_id, event_id = e2e.random_hex(16), e2e.random_hex(8), f"ev-{e2e.random_hex(4)}"
            post_span(trace_id, span_id, cls.service, **{"event.id": event_id})
            e2e.post_otlp_log(cls.service, trace_id, span_id, f"line {n} of {trace_id}", severity="WARN",
                              severity_number=13, event_id=event_id)
            cls.traces[trace_id] = event_id
        for trace_id in cls.traces:
            e2e.wait_for(f"trace {trace_id}'s log line", lambda t=trace_id: e2e.logs_of_trace(t), timeout=60)

    def assertReturnsOnlyTheTracesLogs(self, what, records, trace_id):
        self.assertTrue(records, f"{what}: returned no log lines for trace {trace_id}")
        self.assertEqual({trace_id}, {r.get("trace_id") for r in records}, f"{what}: {records}")
        self.assertIn(f"of {trace_id}", " ".join(r["_msg"] for r in records), what)

    def test_jaeger_ui_link_patterns_return_the_traces_logs(self):
        with open(os.path.join(OBS, "jaeger", "ui-config.json"), encoding="utf-8") as f:
            patterns = json.load(f)["linkPatterns"]
        self.assertTrue(any(p["type"] == "traces" for p in patterns), "no trace-level link")
        for pattern in patterns:
            for trace_id, event_id in self.traces.items():
                values = {"traceID": trace_id, "trace.traceID": trace_id, "event.id": event_id}
                url = re.sub(r"#\{([\w.]+)\}", lambda m: urllib.parse.quote(values[m.group(1)]), pattern["url"])
                records = [json.loads(line) for line in e2e.http_text(url).splitlines() if line.strip()]
                self.assertReturnsOnlyTheTracesLogs(f"link '{pattern['text']}' ({url})", records, trace_id)

    def test_grafana_trace_to_logs_query_returns_the_traces_logs(self):
        import yaml
        with open(os.path.join(OBS, "grafana", "provisioning", "datasources", "datasources.yml"), encoding="utf-8") as f:
            sources = {d["uid"]: d for d in yaml.safe_load(f)["datasources"]}
        link = sources["jaeger"]["jsonData"]["tracesToLogsV2"]
        self.assertEqual("victoriametrics-logs-datasource", sources[link["datasourceUid"]]["type"])
        self.assertTrue(link["customQuery"])
        for trace_id in self.traces:
            # Grafana expands ${__trace.traceId}; the file writes Grafana's $ as $$.
            query = link["query"].replace("$$", "$").replace("${__trace.traceId}", trace_id)
            self.assertReturnsOnlyTheTracesLogs(f"tracesToLogsV2 query {query!r}", e2e.logsql(query), trace_id)

    def test_dashboard_logs_panel_query_returns_the_services_logs(self):
        with open(os.path.join(OBS, "grafana", "dashboards", "eda-system-dashboard.json"), encoding="utf-8") as f:
            dashboard = json.load(f)
        panels = [p for p in dashboard["panels"] if p.get("type") == "logs"]
        self.assertEqual(1, len(panels), "one logs panel")
        expr = panels[0]["targets"][0]["expr"]

        def expand(services, levels):
            # Grafana's doublequote format of a multi-value variable: "a","b".
            fmt = lambda values: ",".join(f'"{v}"' for v in values)
            return expr.replace("${service:doublequote}", fmt(services)).replace("${level:doublequote}", fmt(levels))

        # Two services, as a multi-value variable gives them; the other one never logged (an agent's
        # name would match whatever earlier runs left in a reused log store).
        query = expand([f"{self.service}-none", self.service], ["INFO", "WARN"])
        self.assertEqual(set(self.traces), {r["trace_id"] for r in e2e.logsql(query)}, query)
        query = expand([self.service], ["ERROR"])
        self.assertEqual([], e2e.logsql(query), f"the level variable filters: {query}")
        query = expand(["publisher"], ["WARN"])
        self.assertFalse(set(self.traces) & {r.get("trace_id") for r in e2e.logsql(query)}, f"the service variable filters: {query}")


if __name__ == "__main__":
    unittest.main()
