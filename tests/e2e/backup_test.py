"""`make backup` / `make restore` round trip on the live stack: one trace (Jaeger), its log line
(VictoriaLogs) and a metric series it produced (Prometheus, the Collector's span metrics) are
backed up; the three stores' data is wiped (each is gone); the restore brings all three back."""
import os
import shutil
import subprocess
import time
import unittest
import urllib.parse

import e2elib as e2e

SCRIPTS = os.path.join(e2e.ROOT, "scripts")
RUN_DIR = os.environ.get("EDAOBS_RUN_DIR", os.path.join(e2e.ROOT, ".run"))
DATA_DIRS = [os.path.join(RUN_DIR, "prometheus", "data"), os.path.join(RUN_DIR, "victorialogs", "data"),
             os.path.join(RUN_DIR, "jaeger", "data")]


def script(*args, timeout=300):
    out = subprocess.run([os.path.join(SCRIPTS, args[0]), *args[1:]], capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({out.returncode}):\n{out.stdout}{out.stderr}")
    return out.stdout


def series_at(expr, at):
    query = urllib.parse.urlencode({"query": expr, "time": f"{at:.3f}"})
    return e2e.http_json(f"{e2e.PROMETHEUS}/api/v1/query?{query}")["data"]["result"]


class BackupRestoreTest(unittest.TestCase):
    def setUp(self):
        self.backup = os.path.join(RUN_DIR, "backups", f"e2e-{e2e.random_hex(4)}")
        self.addCleanup(shutil.rmtree, self.backup, ignore_errors=True)

    def stored(self, trace_id, metric, at):
        """What each store holds of the event: (trace spans, log lines, metric samples at `at`)."""
        trace = e2e.jaeger_trace(trace_id)
        return (len(trace["spans"]) if trace else 0, len(e2e.logs_of_trace(trace_id)), len(series_at(metric, at)))

    def test_trace_logs_and_metrics_survive_backup_wipe_and_restore(self):
        service = f"e2e-backup-{e2e.random_hex(3)}"
        trace_id, span_id, now = e2e.random_hex(16), e2e.random_hex(8), time.time_ns()
        e2e.http_json(f"{e2e.OTLP_HTTP}/v1/traces", body={"resourceSpans": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
            "scopeSpans": [{"spans": [{"traceId": trace_id, "spanId": span_id, "name": "backed up", "kind": 2,
                                       "startTimeUnixNano": str(now - 2_000_000), "endTimeUnixNano": str(now)}]}]}]})
        e2e.post_otlp_log(service, trace_id, span_id, "a line to keep")
        # The span becomes a span-metrics series (Collector -> Prometheus scrape) of its own service.
        metric = f'traces_span_metrics_calls_total{{service_name="{service}"}}'
        e2e.wait_for(f"{metric} in Prometheus", lambda: series_at(metric, time.time()), timeout=90)
        at = time.time()
        e2e.wait_for("the trace, its log line and the metric stored",
                     lambda: all(self.stored(trace_id, metric, at)), timeout=60)

        script("backup.sh", self.backup)
        for part in ("prometheus", "victorialogs/partitions", "jaeger/keys", "BACKUP"):
            self.assertTrue(os.path.exists(os.path.join(self.backup, part)), part)

        # Wipe: each store restarts empty, and the event is gone from all three.
        script("stack-down.sh", "prometheus", "victorialogs", "jaeger")
        for d in DATA_DIRS:
            shutil.rmtree(d)
        script("stack-up.sh", "jaeger", "victorialogs", "prometheus")
        self.assertEqual((0, 0, 0), self.stored(trace_id, metric, at), "the wipe left data behind")

        script("restore.sh", self.backup)
        seen = []

        def all_back():
            seen.append(self.stored(trace_id, metric, at))
            return all(seen[-1])

        try:
            e2e.wait_for("the trace, its log line and the metric back after the restore", all_back, timeout=60)
        except AssertionError as exc:
            self.fail(f"{exc}; (trace spans, log lines, metric samples) = {seen[-1] if seen else None}")
        self.assertEqual((1, 1, 1), seen[-1])


if __name__ == "__main__":
    unittest.main()
