"""Smoke tests of the native stack itself: the Collector forwards to Jaeger, Kafka stores and
serves records, Prometheus scrapes the stack's components."""
import time
import unittest

import e2elib as e2e


class StackSmokeTest(unittest.TestCase):
    def test_span_posted_over_otlp_is_found_in_jaeger(self):
        trace_id, span_id = e2e.random_hex(16), e2e.random_hex(8)
        service = f"e2e-smoke-{e2e.random_hex(4)}"
        now_ns = time.time_ns()
        payload = {"resourceSpans": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
            "scopeSpans": [{"scope": {"name": "e2e"}, "spans": [{
                "traceId": trace_id, "spanId": span_id, "name": "smoke span", "kind": 1,
                "startTimeUnixNano": str(now_ns - 5_000_000), "endTimeUnixNano": str(now_ns),
                "attributes": [{"key": "smoke.marker", "value": {"stringValue": trace_id}}],
            }]}],
        }]}
        e2e.http_json(f"{e2e.OTLP_HTTP}/v1/traces", body=payload)

        trace = e2e.wait_for(f"trace {trace_id} in Jaeger", lambda: e2e.jaeger_trace(trace_id), timeout=60)
        spans = trace["spans"]
        self.assertEqual(1, len(spans))
        self.assertEqual("smoke span", spans[0]["operationName"])
        self.assertEqual(span_id, spans[0]["spanID"])
        process = trace["processes"][spans[0]["processID"]]
        self.assertEqual(service, process["serviceName"])
        tags = {t["key"]: t["value"] for t in spans[0]["tags"]}
        self.assertEqual(trace_id, tags["smoke.marker"])

    def test_record_produced_to_kafka_is_consumed_back(self):
        topic = f"e2e.smoke.{e2e.random_hex(4)}"
        value = f"smoke-{e2e.random_hex(8)}"
        e2e.run(["kcat", "-b", e2e.KAFKA, "-t", topic, "-P", "-k", "smoke-key",
                 "-H", "origin=e2e"], input_bytes=value.encode())
        out = e2e.run(["kcat", "-b", e2e.KAFKA, "-t", topic, "-C", "-o", "beginning", "-c", "1",
                       "-e", "-f", "%k|%h|%s"], timeout=60).decode()
        self.assertEqual(f"smoke-key|origin=e2e|{value}", out.strip())

    def test_prometheus_scrape_targets_are_up(self):
        stack_jobs = {"prometheus", "otel-collector", "otel-collector-exporter", "jaeger", "alertmanager"}

        def all_stack_targets_up():
            active = e2e.http_json(f"{e2e.PROMETHEUS}/api/v1/targets")["data"]["activeTargets"]
            health = {t["labels"]["job"]: t["health"] for t in active if t["labels"]["job"] in stack_jobs}
            return health if set(health) == stack_jobs and all(h == "up" for h in health.values()) else None

        health = e2e.wait_for("every stack scrape target up", all_stack_targets_up, timeout=60)
        self.assertEqual(stack_jobs, set(health))
        up = e2e.http_json(f"{e2e.PROMETHEUS}/api/v1/query?query=up")["data"]["result"]
        self.assertTrue(any(r["metric"]["job"] == "otel-collector" and r["value"][1] == "1" for r in up))


if __name__ == "__main__":
    unittest.main()
