"""The observability stack fed by the running chain: every metric the rules and dashboards use
is emitted, every dashboard panel query returns data from the live Prometheus (and Jaeger), and with >= 10% processing errors injected the error-rate
alert reaches the Alertmanager webhook receiver. The agents run on the ports Prometheus scrapes
(8080-8082); Prometheus runs a copy of the rules with short `for:` (the promtool tests cover the
real durations) and gets its real rules back afterwards."""
import os
import signal
import subprocess
import sys
import unittest
import urllib.request

import e2elib as e2e
from chain import Chain

HERE = os.path.dirname(os.path.abspath(__file__))
RUN_DIR = os.path.join(e2e.ROOT, ".run")
RULES_LINK = os.path.join(RUN_DIR, "prometheus", "alert_rules.yml")
REAL_RULES = os.path.join(e2e.ROOT, "observability", "prometheus", "alert_rules.yml")


def loaded_run_labels():
    """The e2e_run label values of the alerting rules Prometheus has loaded (empty: the real rules)."""
    groups = e2e.http_json(f"{e2e.PROMETHEUS}/api/v1/rules?type=alert")["data"]["groups"]
    return {rule.get("labels", {}).get("e2e_run", "") for group in groups for rule in group["rules"]}


def reload_prometheus(run_label):
    """Prometheus re-reads its rules on SIGHUP (the stack keeps its lifecycle API off); waits until
    every loaded alert carries `run_label` ("" for the real rules)."""
    with open(os.path.join(RUN_DIR, "pids", "prometheus.pid"), encoding="utf-8") as f:
        os.kill(int(f.read().strip()), signal.SIGHUP)
    e2e.wait_for(f"Prometheus to load the rules of run '{run_label}'",
                 lambda: loaded_run_labels() == {run_label}, timeout=30)


def relink_rules(target, run_label=""):
    tmp = RULES_LINK + ".tmp"
    if os.path.lexists(tmp):
        os.remove(tmp)
    os.symlink(target, tmp)
    os.replace(tmp, RULES_LINK)
    reload_prometheus(run_label)


class ObservabilityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        e2e.require_free_ports((8080, 8081, 8082, 9095), "the agents Prometheus scrapes and the alert receiver")
        fast = os.path.join(RUN_DIR, "alert_rules.fast.yml")
        # A label of this run's own: Alertmanager has not notified these alerts yet, whatever
        # earlier runs against the same stack did within its repeat_interval.
        run_label = e2e.random_hex(4)
        e2e.run([sys.executable, os.path.join(HERE, "make_fast_rules.py"), fast, "--for", "10s",
                 "--label", f"e2e_run={run_label}"])
        cls.receiver = subprocess.Popen(
            [sys.executable, os.path.join(e2e.ROOT, "observability", "alertmanager", "webhook_receiver.py"),
             "--listen", "127.0.0.1:9095", "--out", os.path.join(RUN_DIR, "alerts.jsonl")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        relink_rules(fast, run_label)
        cls.chain = Chain(base_port=8080, extra_env={
            "publisher": {"EDAOBS_RATE": "20"},
            "enricher": {"EDAOBS_FAULT_ERROR_RATE": "0.2", "EDAOBS_FAULT_POISON_RATE": "0.05"},
        })
        try:
            cls.chain.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "chain", None):
            cls.chain.stop()
        relink_rules(REAL_RULES)
        cls.receiver.terminate()
        cls.receiver.wait(timeout=10)

    def test_error_rate_alert_reaches_the_alertmanager_receiver(self):
        out = subprocess.run([sys.executable, os.path.join(HERE, "wait_for_alert.py"),
                              "--alertname", "EventProcessingErrorRateHigh", "--path", "/alerts/critical",
                              "--label", "service=enricher", "--timeout", "240"],
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(0, out.returncode, out.stdout + out.stderr)

    def test_every_metric_the_rules_and_dashboards_use_is_emitted(self):
        # The chain runs with injected errors (dead letters) and poisoned records (decode failures
        # at the recorder), and the error-rate alert fires (ALERTS), so every path has emitted.
        out = subprocess.run([sys.executable, os.path.join(HERE, "check_metric_names.py"),
                              "--prometheus", e2e.PROMETHEUS, "--wait", "240"],
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(0, out.returncode, out.stdout + out.stderr)

    def test_every_dashboard_panel_query_returns_data(self):
        out = subprocess.run([sys.executable, os.path.join(HERE, "check_dashboard_queries.py"),
                              "--prometheus", e2e.PROMETHEUS, "--jaeger", e2e.JAEGER, "--wait", "180"],
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(0, out.returncode, out.stdout + out.stderr)


if __name__ == "__main__":
    unittest.main()
