"""Each agent of an ASan build stopped (SIGTERM) while a client POSTs events and probes /ready
and /metrics every 10 ms: the agent must exit 0 with no sanitizer report (a use after
destruction of what a route, a readiness check or a metric callback calls ends the process with
a report), and while it drains /ready must answer not ready and /metrics must still answer.
Registered only in the ASan build (label asan_e2e, `make test-asan-e2e`)."""
import os
import re
import signal
import threading
import time
import unittest
import urllib.error
import urllib.request

import e2elib as e2e
from chain import Chain

SANITIZER_REPORT = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: \w+Sanitizer")
EVENT = b'{"type":"payment.authorized","subject":"s","data":{"customer":"c","amount_cents":1,"currency":"EUR"}}'


def get_status(url, timeout=1.0):
    """The HTTP status of a GET, or None when nothing answered (not listening, reset, timeout)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


PROBERS = 4  # each probes every 10 ms, staggered: a drain of a few ms still meets a probe


class Client:
    """POSTs events to the publisher in a loop and probes one agent's /ready and /metrics every
    10 ms from each of PROBERS threads, noting (time, /ready status, /metrics status) per probe."""

    def __init__(self, chain, agent):
        self.chain, self.agent = chain, agent
        self.probes, self.posted = [], 0
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._post)]
        self.threads += [threading.Thread(target=self._probe, args=(i * 0.01 / PROBERS,)) for i in range(PROBERS)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=30)

    def _post(self):
        request = urllib.request.Request(self.chain.url("publisher", "/events"), data=EVENT,
                                         headers={"Content-Type": "application/json"}, method="POST")
        while not self.stopping.is_set():
            try:
                with urllib.request.urlopen(request, timeout=5):
                    self.posted += 1
            except OSError:  # 503 while the publisher drains, refused once it is gone
                time.sleep(0.01)

    def _probe(self, offset):
        time.sleep(offset)
        while not self.stopping.is_set():
            sent = time.monotonic()
            ready = get_status(self.chain.url(self.agent, "/ready"))
            metrics = get_status(self.chain.url(self.agent, "/metrics"))
            self.probes.append((sent, ready, metrics))
            time.sleep(0.01)


class AsanShutdownTest(unittest.TestCase):
    def test_each_agent_stops_cleanly_while_posting_and_probing(self):
        chain = Chain(base_port=18120)
        chain.start()
        try:
            for agent in ("recorder", "enricher", "publisher"):  # the publisher feeds the others
                with self.subTest(agent=agent):
                    self._stop_while_busy(chain, agent)
        finally:
            chain.stop(timeout=40)

    def _stop_while_busy(self, chain, agent):
        with Client(chain, agent) as client:
            e2e.wait_for(f"{agent} busy", lambda: client.posted >= 20 and len(client.probes) >= 20, timeout=60,
                         interval=0.05)
            signalled = time.monotonic()
            code, seconds = chain.terminate(agent, timeout=40)
            exited = time.monotonic()
        with open(chain.log_path(agent) + ".stderr", errors="replace") as f:
            stderr = f.read()
        report = SANITIZER_REPORT.search(stderr)
        self.assertIsNone(report, f"{agent}: sanitizer report:\n{stderr[-6000:]}")
        self.assertEqual(0, code, f"{agent} exit code after {seconds:.1f}s:\n{stderr[-3000:]}")
        drain = sorted(p for p in client.probes if signalled < p[0] < exited)
        print(f"{agent}: exit {code} {seconds:.3f}s after SIGTERM; /ready answers meanwhile: {[p[1] for p in drain if p[1]]}")
        self._check_drain(agent, drain, signalled)

    def _check_drain(self, agent, probes, signalled):
        """Between SIGTERM and exit, while the endpoints still answer: /ready never says ready
        again once it said not ready, and says not ready to every probe sent 50 ms or more after
        the signal (the signal thread sets the flag at once); /metrics never fails. The
        consumers' drain (the consumer's close) must be seen: /ready 503 with /metrics 200."""
        answered = [(sent, ready, metrics) for sent, ready, metrics in probes if ready is not None]
        first_not_ready = next((i for i, (_, ready, _) in enumerate(answered) if ready == 503), None)
        if first_not_ready is not None:
            self.assertNotIn(200, [r for _, r, _ in answered[first_not_ready:]], f"{agent}: ready again: {answered}")
        late = [r for sent, r, _ in answered if sent > signalled + 0.05]
        self.assertNotIn(200, late, f"{agent}: /ready said ready while draining: {answered}")
        # A /metrics probe right after the last /ready answer may find the endpoints gone.
        self.assertEqual(set(), {m for _, _, m in answered} - {200, None}, f"{agent}: /metrics failed: {answered}")
        # The publisher's drain (two flushes), and a recorder's with nothing in flight (one commit),
        # may end before a probe gets through: the endpoints stop right after it. When probes were
        # answered while the agent drained, one of them must say not ready.
        if agent != "publisher" and answered:
            self.assertIsNotNone(first_not_ready, f"{agent}: no /ready 503 while draining: {answered}")
            self.assertIn(200, [m for _, r, m in answered if r == 503], f"{agent}: /metrics silent: {answered}")

if __name__ == "__main__":
    unittest.main()
