"""Every dashboard query against a real Prometheus engine, without the live chain: series shaped
like the agents' and the Collector's (same names and labels, 30 minutes at a 15 s cadence) are
backfilled with `promtool tsdb create-blocks-from openmetrics`, a Prometheus serves them, and
tests/e2e/check_dashboard_queries.py runs the dashboard against it. With everything present all
queries must return data; with one metric missing, exactly its panels must be reported."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CHECKER = os.path.join(ROOT, "tests", "e2e", "check_dashboard_queries.py")
STEP, SAMPLES = 15, 120          # 30 minutes of samples, every 15 s
END = 1_700_000_000              # a fixed past instant: the queries are evaluated there
START = END - STEP * (SAMPLES - 1)

AGENTS = {"publisher": 8080, "enricher": 8081, "recorder": 8082}
TOPICS = {"publisher": "orders", "enricher": "orders.enriched"}
BUCKETS = ["0.001", "0.01", "0.1", "1", "5", "10", "+Inf"]


def labels(**kv):
    return "{" + ",".join(f'{k}="{v}"' for k, v in kv.items()) + "}"


class Series:
    """OpenMetrics text for families of series, each sample computed from its index."""

    def __init__(self):
        self.families = {}

    def add(self, family, kind, name, lbls, value):
        self.families.setdefault((family, kind), []).append((name, lbls, value))

    def counter(self, family, lbls, per_step):
        self.add(family, "counter", family + "_total", lbls, lambda i: per_step * i)

    def gauge(self, family, lbls, value):
        self.add(family, "gauge", family, lbls, lambda i: value)

    def histogram(self, family, lbls, per_step, spread):
        """Observations spread over the buckets: a share `spread[k]` falls into bucket k."""
        cumulative = 0.0
        for le, share in zip(BUCKETS, spread + [0.0] * (len(BUCKETS) - len(spread))):
            cumulative += share
            c = cumulative if le != "+Inf" else 1.0
            self.add(family, "histogram", family + "_bucket", dict(lbls, le=le), lambda i, c=c: per_step * c * i)
        self.add(family, "histogram", family + "_count", lbls, lambda i: per_step * i)
        self.add(family, "histogram", family + "_sum", lbls, lambda i: per_step * 0.05 * i)

    def text(self, skip=()):
        out = []
        for (family, kind), series in self.families.items():
            if family in skip:
                continue
            out.append(f"# TYPE {family} {kind}")
            for name, lbls, value in series:
                for i in range(SAMPLES):
                    out.append(f"{name}{labels(**lbls)} {value(i)} {START + i * STEP}")
        out.append("# EOF")
        return "\n".join(out) + "\n"


def chain_series():
    s = Series()
    for agent, port in AGENTS.items():
        base = {"service": agent, "job": "agents", "instance": f"{agent}:{port}"}
        source = {"publisher": "publisher", "enricher": "publisher", "recorder": "enricher"}[agent]
        for et in ("order.created", "order.paid"):
            ev = dict(base, event_type=et, source=source)
            s.counter("events_processed", dict(ev, success="true"), 20)
            s.counter("events_processed", dict(ev, success="false"), 1)
            s.histogram("event_processing_duration_seconds", ev, 21, [0.2, 0.5, 0.25, 0.05])
            s.counter("event_errors", dict(ev, error="enrichment_failed"), 1)
            if agent in TOPICS:
                s.counter("events_published", dict(base, event_type=et, destination=TOPICS[agent]), 20)
        if agent in TOPICS:
            s.histogram("message_broker_publish_duration_seconds", dict(base, topic=TOPICS[agent]), 40, [0.1, 0.8, 0.1])
        if agent != "publisher":
            topic = {"enricher": "orders", "recorder": "orders.enriched"}[agent]
            s.histogram("message_broker_consume_duration_seconds", dict(base, topic=topic), 40, [0.9, 0.1])
            for partition in range(3):
                s.gauge("kafka_consumer_lag", dict(base, topic=topic, partition=str(partition)), 2)
            s.counter("dlq_events", dict(base, topic=topic, reason="invalid_cloudevent"), 0.1)
        if agent == "recorder":
            s.histogram("event_age_seconds", dict(base, event_type="order.created"), 20, [0, 0.3, 0.6, 0.1])
        s.counter("message_broker_connection_errors", base, 0)
        for fam, per in (("telemetry_spans_exported", 60), ("telemetry_spans_dropped", 0),
                         ("telemetry_export_failures", 0), ("telemetry_log_lines_dropped", 0)):
            s.counter(fam, base, per)
        s.add("process_cpu_seconds", "counter", "process_cpu_seconds_total", base, lambda i: 1.5 * i)
        s.gauge("process_resident_memory_bytes", base, 12e6)
        s.gauge("process_memory_limit_bytes", base, 8e9)
        s.gauge("process_threads", base, 6)
        s.gauge("process_open_fds", base, 20)
        s.gauge("process_max_fds", base, 1024)
        s.gauge("up", {"job": "agents", "instance": f"127.0.0.1:{port}", "agent": agent}, 1)
        for kind, span in (("SPAN_KIND_PRODUCER", "send orders"), ("SPAN_KIND_CONSUMER", "process orders")):
            for status, per in (("STATUS_CODE_UNSET", 40), ("STATUS_CODE_ERROR", 1)):
                sl = {"service_name": agent, "span_name": span, "span_kind": kind, "status_code": status, "job": agent}
                s.counter("traces_span_metrics_calls", sl, per)
                s.histogram("traces_span_metrics_duration_seconds", sl, per, [0.3, 0.6, 0.1])
    for client, server in (("publisher", "enricher"), ("enricher", "recorder")):
        s.counter("traces_service_graph_request", {"client": client, "server": server, "connection_type": "messaging_system"}, 40)
    return s


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DashboardQueriesTest(unittest.TestCase):
    def serve(self, skip=()):
        """A Prometheus on a free port serving the backfilled series; returns its URL."""
        tmp = tempfile.mkdtemp(prefix="edaobs-dashq-")
        self.addCleanup(shutil.rmtree, tmp, True)
        om = os.path.join(tmp, "series.om")
        with open(om, "w", encoding="utf-8") as f:
            f.write(chain_series().text(skip))
        data = os.path.join(tmp, "data")
        subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", om, data],
                       check=True, capture_output=True)
        config = os.path.join(tmp, "prometheus.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("global: {}\n")
        port = free_port()
        log = open(os.path.join(tmp, "prometheus.log"), "wb")
        self.addCleanup(log.close)
        proc = subprocess.Popen(["prometheus", f"--config.file={config}", f"--storage.tsdb.path={data}",
                                 f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=100y"],
                                stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(lambda: (proc.terminate(), proc.wait(timeout=20)))
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if urllib.request.urlopen(f"{url}/-/ready", timeout=2).status == 200:
                    return url
            except OSError:
                pass
            self.assertLess(time.monotonic(), deadline, "prometheus did not become ready")
            time.sleep(0.2)

    def check(self, url):
        proc = subprocess.run([sys.executable, CHECKER, "--prometheus", url, "--no-jaeger",
                               "--time", str(END), "--range", "15m"], capture_output=True, text=True)
        return proc.returncode, proc.stdout + proc.stderr

    def test_every_query_returns_data_when_the_chain_reports_everything(self):
        code, out = self.check(self.serve())
        self.assertEqual(0, code, out)
        self.assertRegex(out, r"(?m)^[1-9]\d* passed, 0 failed$")

    def test_a_missing_metric_is_reported_by_panel(self):
        code, out = self.check(self.serve(skip=("kafka_consumer_lag", "process_memory_limit_bytes")))
        self.assertEqual(1, code, out)
        failed = sorted(line.split("panel '")[1].split("'")[0] for line in out.splitlines() if line.startswith("FAIL"))
        self.assertEqual(["Consumer lag", "Memory usage", "Memory use of limit"], failed, out)


if __name__ == "__main__":
    unittest.main()
