"""A Kafka client's fatal error on the real broker: a second enricher joins with the same static
group membership (KAFKA_GROUP_INSTANCE_ID), so the broker fences the first one — a fatal error
in librdkafka, after which that consumer can never commit again. The fenced agent must stop in
order with exit status 70 (its /health fails from the moment of the error — the unit test
stop_on_fatal_error_test holds it there; here the orderly stop follows within milliseconds)
rather than keep running behind a 200; the newcomer takes over and the chain goes on."""
import os
import subprocess
import unittest
import urllib.error
import urllib.request

import e2elib as e2e
from chain import Chain

EXIT_FATAL = 70
INSTANCE_ID = "e2e-fenced-enricher"


def health(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


class FatalErrorTest(unittest.TestCase):
    def test_a_fenced_consumer_stops_in_order_with_exit_70(self):
        chain = Chain(base_port=18280, extra_env={"enricher": {"KAFKA_GROUP_INSTANCE_ID": INSTANCE_ID}})
        chain.start()
        newcomer = None
        try:
            first = chain.procs["enricher"]
            self.assertEqual(health(chain.url("enricher", "/health")), 200)
            env = chain.env("enricher")
            env["EDAOBS_HTTP_PORT"] = str(chain.ports["recorder"] + 1)
            env["EDAOBS_LOG_OUTPUT"] = chain.log_path("enricher") + ".newcomer"
            e2e.require_free_ports([int(env["EDAOBS_HTTP_PORT"])], "the second enricher")
            newcomer = subprocess.Popen([os.path.join(e2e.BUILD_DIR, "agents", "enricher", "enricher")],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            code = first.wait(timeout=60)
            self.assertEqual(code, EXIT_FATAL, "exit status of the fenced enricher")
            log = open(chain.log_path("enricher")).read()
            self.assertIn("kafka client fatal error", log)
            # The newcomer holds the membership now: the chain still carries events.
            e2e.wait_for("the second enricher ready",
                         lambda: health(f"http://127.0.0.1:{env['EDAOBS_HTTP_PORT']}/ready") == 200, timeout=60)
            answer = chain.post_event("order.created", "o-after-fence",
                                      {"customer": "c-1", "amount_cents": 1, "currency": "EUR", "country": "DE"})
            e2e.wait_for("the event recorded after the fence", lambda: any(
                line.get("event_id") == answer["id"] for line in chain.log_lines("recorder")), timeout=60)
        finally:
            if newcomer is not None and newcomer.poll() is None:
                newcomer.terminate()
                newcomer.wait(timeout=40)
            chain.stop()


if __name__ == "__main__":
    unittest.main()
