"""`make trace` (scripts/trace.py) on a live event: the waterfall shows each agent's span with its
topic, the logs section shows the trace's log lines from VictoriaLogs, the latency section the
services' percentiles; an unknown id is a clear message and a non-zero exit."""
import os
import subprocess
import sys
import time
import unittest

import e2elib as e2e
from chain import Chain

TRACE = os.path.join(e2e.ROOT, "scripts", "trace.py")


def run_trace(*args):
    return subprocess.run([sys.executable, TRACE, *args], capture_output=True, text=True, timeout=120)


class TraceToolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.chain = Chain(base_port=18180)
        cls.chain.start()
        try:
            answer = cls.chain.post_event("order.created", "trace-tool-1",
                                          {"customer": "c-9", "amount_cents": 990, "currency": "EUR", "country": "DE"})
            cls.event_id = answer["id"]
            # The recorder's log line (written asynchronously) names the event's trace.
            recorded = e2e.wait_for("the recorder's log line of the event",
                                    lambda: [l for l in cls.chain.log_lines("recorder")
                                             if l.get("event_id") == cls.event_id and l.get("trace_id")], timeout=90)
            cls.trace_id = recorded[0]["trace_id"]
            e2e.wait_for(f"trace {cls.trace_id} complete in Jaeger",
                         lambda: (e2e.jaeger_trace(cls.trace_id) or {}).get("spans", []).__len__() >= 4, timeout=60)
            # Each agent's own log line of the event, sent by the agent's OTLP log exporter.
            cls.agent_logs = e2e.wait_for(f"each agent's log line of trace {cls.trace_id} in VictoriaLogs",
                                          lambda: cls.agents_log_lines(), timeout=60)
        except BaseException:
            cls.chain.stop(timeout=10)
            raise

    AGENT_LINES = {"publisher": "event published", "enricher": "event enriched", "recorder": "event recorded"}

    @classmethod
    def agents_log_lines(cls):
        """The trace's records in VictoriaLogs by service, once every agent's line is there."""
        found = {}
        for record in e2e.logs_of_trace(cls.trace_id):
            service = record.get("service.name")
            if record.get("_msg") == cls.AGENT_LINES.get(service) and record.get("event_id") == cls.event_id:
                found[service] = record
        return found if set(found) == set(cls.AGENT_LINES) else None

    @classmethod
    def tearDownClass(cls):
        cls.chain.stop()

    def assertStory(self, out):
        self.assertEqual(0, out.returncode, out.stdout + out.stderr)
        text = out.stdout
        waterfall, _, rest = text.partition("\nLog lines of trace")
        logs, _, latency = rest.partition("\nEvent processing latency")
        self.assertIn(f"Trace {self.trace_id}", waterfall)
        rows = [line for line in waterfall.splitlines() if line.split(" ", 1)[0] in ("publisher", "enricher", "recorder")]
        spans = {(r.split()[0], r.split()[1], r.split()[2]) for r in rows}
        self.assertEqual({("publisher", "send", self.chain.raw), ("enricher", "process", self.chain.raw),
                          ("enricher", "send", self.chain.enriched), ("recorder", "process", self.chain.enriched)},
                         spans, waterfall)
        for row in rows:
            topic = row.split()[2]
            self.assertRegex(row, rf"{topic}/p\d+", f"partition of {row!r}")
            self.assertIn("█", row, "a duration bar")
        self.assertIn(f"event id: {self.event_id}", waterfall)
        for service, message in self.AGENT_LINES.items():
            self.assertRegex(logs, rf"{service}.*{message}|{message}.*{service}", logs)
        for service in ("publisher", "enricher", "recorder"):
            self.assertRegex(latency, rf"\n  {service}\s+(\d+\.\dms|-)", latency)
        self.assertRegex(latency, r"p50\s+p95\s+p99")

    def test_each_agents_own_log_record_carries_the_trace_and_its_fields(self):
        for service, record in self.agent_logs.items():
            with self.subTest(service=service):
                self.assertEqual(self.trace_id, record["trace_id"])
                self.assertRegex(record["span_id"], r"^[0-9a-f]{16}$")
                self.assertEqual("INFO", record["severity_text"])
                self.assertEqual("order.created", record["event_type"])
                self.assertEqual(service, record["service.name"])
                self.assertIn("service.instance.id", record)
                self.assertRegex(record["code.filepath"], r"\.cpp$")
                self.assertRegex(record["code.lineno"], r"^\d+$")

    def test_the_event_id_tells_the_story(self):
        self.assertStory(run_trace(self.event_id))

    def test_the_trace_id_tells_the_same_story(self):
        self.assertStory(run_trace(self.trace_id))

    def test_a_trace_without_log_lines_says_so(self):
        trace_id, span_id, now = e2e.random_hex(16), e2e.random_hex(8), time.time_ns()
        e2e.http_json(f"{e2e.OTLP_HTTP}/v1/traces", body={"resourceSpans": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "e2e-no-logs"}}]},
            "scopeSpans": [{"spans": [{"traceId": trace_id, "spanId": span_id, "name": "lonely", "kind": 1,
                                       "startTimeUnixNano": str(now - 1_000_000), "endTimeUnixNano": str(now)}]}]}]})
        out = run_trace("--wait", "60", trace_id)
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertIn(f"none: VictoriaLogs holds no log line with trace_id {trace_id}", out.stdout)

    def test_an_unknown_id_is_a_clear_error(self):
        for unknown in (e2e.random_hex(16), f"no-such-event-{e2e.random_hex(4)}"):
            out = run_trace(unknown)
            self.assertEqual(1, out.returncode, out.stdout + out.stderr)
            self.assertIn("no trace found for", out.stderr)
            self.assertIn(unknown, out.stderr)
            self.assertEqual("", out.stdout)


if __name__ == "__main__":
    unittest.main()
