"""Runs the real Alertmanager on observability/alertmanager/alertmanager.yml (only the webhook
port moved to a free one, so a running stack is not disturbed) with the real webhook receiver,
posts alerts, and checks what the receivers get: routing by severity, grouping by alertname and
service, and the inhibition of a warning by the critical alert of its family and service."""
import json
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
CONFIG = os.path.join(ROOT, "observability", "alertmanager", "alertmanager.yml")
RECEIVER = os.path.join(ROOT, "observability", "alertmanager", "webhook_receiver.py")
WEBHOOK_ADDR = "127.0.0.1:9095"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url, body=None, timeout=3.0):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
        return json.loads(raw) if raw else None


def wait_for(what, probe, timeout=60.0):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
            last = value
        except OSError as exc:
            last = repr(exc)
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; last: {last}")


def alertmanager_binary():
    for name in ("prometheus-alertmanager", "alertmanager"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError("no alertmanager binary on PATH; `make deps` installs prometheus-alertmanager")


class AlertmanagerBehaviourTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="edaobs-am-")
        with open(CONFIG, encoding="utf-8") as f:
            text = f.read()
        if f"http://{WEBHOOK_ADDR}/" not in text:
            raise AssertionError(f"alertmanager.yml no longer posts to {WEBHOOK_ADDR}")
        cls.webhook_port = free_port()
        cls.am_port = free_port()
        config = os.path.join(cls.tmp, "alertmanager.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(text.replace(WEBHOOK_ADDR, f"127.0.0.1:{cls.webhook_port}"))
        cls.logs = []
        cls.procs = []
        cls._start([sys.executable, RECEIVER, "--listen", f"127.0.0.1:{cls.webhook_port}",
                    "--out", os.path.join(cls.tmp, "alerts.jsonl")], "receiver.log")
        cls._start([alertmanager_binary(), f"--config.file={config}",
                    f"--storage.path={os.path.join(cls.tmp, 'data')}",
                    f"--web.listen-address=127.0.0.1:{cls.am_port}", "--cluster.listen-address="],
                   "alertmanager.log")
        cls.am = f"http://127.0.0.1:{cls.am_port}"
        cls.webhook = f"http://127.0.0.1:{cls.webhook_port}"
        try:
            wait_for("the webhook receiver", lambda: http_json(f"{cls.webhook}/-/healthy"), 20)
            wait_for("alertmanager ready", lambda: urllib.request.urlopen(f"{cls.am}/-/ready", timeout=2).status == 200, 30)
        except AssertionError:
            cls.tearDownClass()
            raise

    @classmethod
    def _start(cls, cmd, log_name):
        log = open(os.path.join(cls.tmp, log_name), "wb")
        cls.logs.append(log)
        cls.procs.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT))

    @classmethod
    def tearDownClass(cls):
        for proc in cls.procs:
            proc.terminate()
        for proc in cls.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in cls.logs:
            log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def received(self, path):
        """(alertname, service, instance) of every alert in every notification posted to path,
        and the number of notifications."""
        entries = http_json(f"{self.webhook}/alerts?path={path}")
        alerts = [(a["labels"].get("alertname"), a["labels"].get("service"), a["labels"].get("instance"))
                  for e in entries for a in e["payload"]["alerts"]]
        return alerts, len(entries)

    def test_routing_grouping_and_inhibition(self):
        def alert(name, severity, family, service, instance="i1"):
            labels = {"alertname": name, "family": family, "service": service, "instance": instance}
            if severity:
                labels["severity"] = severity
            return {"labels": labels, "annotations": {"summary": name}}

        http_json(f"{self.am}/api/v2/alerts", [
            alert("EventProcessingErrorRateHigh", "critical", "errors", "enricher"),
            alert("TraceErrorRateHigh", "warning", "errors", "enricher"),     # its twin: inhibited
            alert("TraceErrorRateHigh", "warning", "errors", "publisher"),    # other service: sent
            alert("ServiceCpuHigh", "warning", "cpu", "enricher", "i1"),      # other family: sent,
            alert("ServiceCpuHigh", "warning", "cpu", "enricher", "i2"),      # both in one group
            alert("SomethingUnlabelled", None, "misc", "enricher"),           # no severity
        ])

        critical = wait_for("the critical notification",
                            lambda: self.received("/alerts/critical")[0], 30)
        self.assertEqual([("EventProcessingErrorRateHigh", "enricher", "i1")], critical)

        def warnings_arrived():
            alerts, _ = self.received("/alerts/warning")
            return alerts if len(alerts) >= 3 else None
        warnings = wait_for("the warning notifications", warnings_arrived, 45)
        self.assertCountEqual([("TraceErrorRateHigh", "publisher", "i1"),
                               ("ServiceCpuHigh", "enricher", "i1"),
                               ("ServiceCpuHigh", "enricher", "i2")], warnings)
        # Grouped by alertname and service: the two ServiceCpuHigh instances share a notification.
        entries = http_json(f"{self.webhook}/alerts?path=/alerts/warning")
        cpu_groups = [e for e in entries if e["payload"]["groupLabels"].get("alertname") == "ServiceCpuHigh"]
        self.assertEqual(1, len(cpu_groups))
        self.assertEqual({"alertname": "ServiceCpuHigh", "service": "enricher"}, cpu_groups[0]["payload"]["groupLabels"])
        self.assertEqual("webhook-warning", cpu_groups[0]["payload"]["receiver"])

        default = wait_for("the unrouted notification", lambda: self.received("/alerts/default")[0], 45)
        self.assertEqual([("SomethingUnlabelled", "enricher", "i1")], default)

        # The twin is held back by the critical alert, as Alertmanager itself reports.
        state = http_json(f"{self.am}/api/v2/alerts?filter=alertname%3D%22TraceErrorRateHigh%22&filter=service%3D%22enricher%22")
        self.assertEqual(1, len(state))
        self.assertEqual("suppressed", state[0]["status"]["state"])
        self.assertTrue(state[0]["status"]["inhibitedBy"])


if __name__ == "__main__":
    unittest.main()
