"""POST /events on the real broker: 201 only once the broker acknowledged the record, with the
partition and offset a peer client (kcat) then finds it at; 503 with Retry-After within the
ingest timeout when the broker cannot be reached; an idempotent retry keeps its ce_id."""
import json
import socket
import time
import unittest
import urllib.error
import urllib.request

import e2elib as e2e
from chain import Chain

INGEST_TIMEOUT_S = 3
N = 10


def post(url, body, headers=None, timeout=15.0):
    """POSTs JSON; returns (status, headers, decoded body) for success and error answers alike."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    req = urllib.request.Request(url, data=data, headers=hdrs, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, json.loads(exc.read())


def event(subject):
    return {"type": "order.created", "subject": subject,
            "data": {"customer": "c-1", "amount_cents": 4200, "currency": "EUR", "country": "DE"}}


def record_headers(topic, partition, offset):
    """The headers of the record at topic/partition/offset, read back by kcat."""
    out = e2e.run(["kcat", "-b", e2e.KAFKA, "-C", "-t", topic, "-p", str(partition), "-o", str(offset),
                   "-c", "1", "-e", "-f", "%h"], timeout=30).decode().strip()
    return dict(pair.split("=", 1) for pair in out.split(",") if "=" in pair)


def closed_port():
    """A local port nothing listens on (bound once by the OS, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class IngestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.chain = Chain(base_port=18100, agents=("publisher",),
                          extra_env={"publisher": {"EDAOBS_INGEST_TIMEOUT": f"{INGEST_TIMEOUT_S}s"}})
        cls.chain.start()

    @classmethod
    def tearDownClass(cls):
        cls.chain.stop()

    def url(self):
        return self.chain.url("publisher", "/events")

    def test_each_201_names_where_a_peer_client_finds_the_record(self):
        answers = []
        for i in range(N):
            status, _, body = post(self.url(), event(f"ingest-{i}"))
            self.assertEqual(201, status, body)
            self.assertEqual(self.chain.raw, body["topic"])
            answers.append(body)
        for body in answers:
            headers = record_headers(body["topic"], body["partition"], body["offset"])
            self.assertEqual(body["id"], headers.get("ce_id"), f"record at {body['partition']}/{body['offset']}")
        status, _, body = post(self.url(), b'{"type":"order.created"}')
        self.assertEqual(400, status, body)

    def test_idempotent_retry_keeps_the_ce_id(self):
        key = f"order-{e2e.random_hex(4)}:attempt"
        first = post(self.url(), event("retried"), {"Idempotency-Key": key})
        retry = post(self.url(), event("retried"), {"Idempotency-Key": key})
        for status, _, body in (first, retry):
            self.assertEqual(201, status, body)
            self.assertEqual(key, body["id"])
            self.assertEqual(key, record_headers(body["topic"], body["partition"], body["offset"]).get("ce_id"))
        self.assertNotEqual(first[2]["offset"], retry[2]["offset"], "two records, one id: downstream de-duplicates")
        status, _, body = post(self.url(), event("bad-key"), {"Idempotency-Key": "not a key"})
        self.assertEqual(400, status, body)


class IngestBrokerUnreachableTest(unittest.TestCase):
    """The publisher pointed at a port where no broker listens (the shared broker stays up for
    the other tests)."""

    def test_post_gets_503_with_retry_after_within_the_ingest_timeout(self):
        chain = Chain(base_port=18110, agents=("publisher",), extra_env={"publisher": {
            "KAFKA_BROKERS": f"127.0.0.1:{closed_port()}", "EDAOBS_INGEST_TIMEOUT": f"{INGEST_TIMEOUT_S}s"}})
        chain.start(wait_ready=False)
        try:
            e2e.wait_for("publisher /health", lambda: e2e.http_json(chain.url("publisher", "/health")), timeout=30)
            started = time.monotonic()
            status, headers, body = post(chain.url("publisher", "/events"), event("unreachable"))
            took = time.monotonic() - started
        finally:
            results = chain.stop()
        self.assertEqual(503, status, body)
        self.assertEqual("1", headers.get("Retry-After"))
        self.assertEqual("no", body["published"], body)
        self.assertLessEqual(took, INGEST_TIMEOUT_S + 0.5)
        self.assertEqual(0, results["publisher"][0], "publisher exit code")


if __name__ == "__main__":
    unittest.main()
