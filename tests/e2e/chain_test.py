"""The chain end to end on the real broker and stack: N events in, N recorded; one trace per
event across the three agents, correctly parented; logs and metrics agree."""
import time
import unittest

import e2elib as e2e
from chain import Chain

N = 20


def tags(span):
    return {t["key"]: t["value"] for t in span["tags"]}


class ChainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.chain = Chain()
        cls.chain.start()

    @classmethod
    def tearDownClass(cls):
        cls.stopped = cls.chain.stop()

    def send(self, n, prefix):
        ids = []
        for i in range(n):
            answer = self.chain.post_event("order.created", f"{prefix}-{i}",
                                           {"customer": f"c-{i}", "amount_cents": 1000 + i,
                                            "currency": "EUR", "country": "DE"})
            ids.append(answer["id"])
        return ids

    def wait_recorded(self, count):
        e2e.wait_for(f"{count} events recorded",
                     lambda: self.chain.metric_sum("recorder", "events_processed_total", success="true") >= count,
                     timeout=90)

    def test_n_events_in_n_recorded_with_one_trace_each_across_three_agents(self):
        ids = self.send(N, "trace")
        self.wait_recorded(N)
        for agent in ("publisher", "enricher", "recorder"):
            self.assertEqual(N, self.chain.metric_sum(agent, "events_processed_total", success="true"), agent)
            self.assertEqual(0, self.chain.metric_sum(agent, "events_processed_total", success="false"), agent)
        self.assertEqual(N, self.chain.metric_sum("publisher", "events_published_total", destination=self.chain.raw))
        self.assertEqual(N, self.chain.metric_sum("enricher", "events_published_total", destination=self.chain.enriched))

        # The recorder logged every event with its trace id; the other agents logged the same ids.
        # Lines are written by each agent's log worker, a moment after the metrics count the event.
        def recorded_lines():
            return {l["event_id"]: l["trace_id"] for l in self.chain.log_lines("recorder") if l["msg"] == "event recorded"}
        e2e.wait_for("every event's 'event recorded' line", lambda: set(recorded_lines()) >= set(ids), timeout=30)
        recorded = recorded_lines()
        self.assertEqual(set(ids), set(recorded))
        for agent in ("publisher", "enricher"):
            def missing(agent=agent):
                traces = {l.get("trace_id") for l in self.chain.log_lines(agent)}
                return [t for t in recorded.values() if t not in traces]
            try:
                e2e.wait_for(f"every trace id in the {agent} log", lambda: not missing(), timeout=30)
            except AssertionError:
                pass  # the assertion below names what is missing
            self.assertEqual([], missing(), f"trace ids missing from the {agent} log")

        for event_id, trace_id in recorded.items():
            trace = e2e.wait_for(f"complete trace {trace_id}",
                                 lambda t=trace_id: self._complete_trace(t), timeout=60)
            self._assert_chain_trace(trace, event_id)

    def _complete_trace(self, trace_id):
        trace = e2e.jaeger_trace(trace_id)
        return trace if trace and len(trace["spans"]) >= 4 else None

    def _assert_chain_trace(self, trace, event_id):
        by_name = {}
        for span in trace["spans"]:
            service = trace["processes"][span["processID"]]["serviceName"]
            by_name[(service, span["operationName"])] = span
        expected = [("publisher", f"send {self.chain.raw}", "producer"),
                    ("enricher", f"process {self.chain.raw}", "consumer"),
                    ("enricher", f"send {self.chain.enriched}", "producer"),
                    ("recorder", f"process {self.chain.enriched}", "consumer")]
        self.assertEqual({(s, n) for s, n, _ in expected}, set(by_name), "spans of the trace")
        for process in trace["processes"].values():
            resource = {t["key"]: t["value"] for t in process.get("tags", [])}
            self.assertEqual("1.0.0", resource.get("service.version"), process["serviceName"])
            self.assertTrue(resource.get("service.instance.id"), process["serviceName"])
            self.assertEqual("edaobs", resource.get("telemetry.sdk.name"), process["serviceName"])
        parent = None
        for service, name, kind in expected:
            span = by_name[(service, name)]
            t = tags(span)
            self.assertEqual(kind, t["span.kind"], name)
            self.assertEqual("kafka", t["messaging.system"], name)
            self.assertEqual(name.split(" ")[1], t["messaging.destination.name"], name)
            self.assertEqual(name.split(" ")[0], t["messaging.operation.type"], name)
            self.assertEqual(event_id, t["event.id"], name)
            self.assertEqual("order.created", t["event.type"], name)
            self.assertEqual("/edaobs/publisher", t["event.source"], name)
            refs = [(r["refType"], r["spanID"]) for r in span.get("references", [])]
            if parent is None:
                self.assertEqual([], refs, "the publisher's send span is the root")
            else:
                self.assertEqual([("CHILD_OF", parent["spanID"])], refs, f"{name} parent")
            parent = span



class DeadLetterTest(ChainTest):
    """Its own chain, so ChainTest's exact counts are not disturbed."""
    @classmethod
    def setUpClass(cls):
        cls.chain = Chain(base_port=18085)
        cls.chain.start()

    test_n_events_in_n_recorded_with_one_trace_each_across_three_agents = None

    def test_invalid_event_goes_to_dlq_with_reason_and_processing_continues(self):
        before = self.chain.metric_sum("recorder", "events_processed_total", success="true")
        bad = self.chain.post_event("order.created", "bad-1", {"amount_cents": 5, "currency": "EUR"})
        self.send(1, "after-bad")
        self.wait_recorded(before + 1)
        # The two events have different keys, so they may take different partitions: the good one
        # can be recorded before the bad one reaches the DLQ. Wait for the DLQ record itself.
        out = e2e.wait_for("a record on the DLQ", lambda: self._first_dlq_headers(), timeout=60)
        headers = dict(h.split("=", 1) for h in out.split(","))
        self.assertEqual("validation:customer", headers["dlq_reason"])
        self.assertEqual(bad["id"], headers["ce_id"])
        self.assertEqual(self.chain.raw, headers["dlq_original_topic"])
        self.assertIn("traceparent", headers)
        self.assertGreaterEqual(self.chain.metric_sum("enricher", "event_errors_total", error="validation:customer"), 1)

    def _first_dlq_headers(self):
        """Headers of the first DLQ record, or None while there is none (or no topic yet)."""
        try:
            out = e2e.run(["kcat", "-b", e2e.KAFKA, "-t", f"{self.chain.raw}.dlq", "-C", "-o", "beginning",
                           "-c", "1", "-e", "-f", "%h"], timeout=30).decode().strip()
        except AssertionError:
            return None
        return out or None


class ShutdownTest(unittest.TestCase):
    def test_sigterm_finishes_in_flight_work_and_exits_promptly(self):
        chain = Chain(base_port=18090)
        chain.start()
        try:
            for i in range(5):
                chain.post_event("payment.authorized", f"s-{i}", {"customer": "c", "amount_cents": 1, "currency": "USD"})
            e2e.wait_for("5 recorded", lambda: chain.metric_sum("recorder", "events_processed_total") >= 5, timeout=90)
        finally:
            results = chain.stop(timeout=40)
        for agent, (code, seconds) in results.items():
            self.assertEqual(0, code, f"{agent} exit code")
            self.assertLess(seconds, 30, f"{agent} took {seconds:.1f}s to stop")
        for agent in ("enricher", "recorder"):
            msgs = [l["msg"] for l in chain.log_lines(agent)]
            self.assertIn(f"{agent} stopping", msgs)


if __name__ == "__main__":
    unittest.main()
