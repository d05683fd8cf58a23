"""What every fault scenario shares: a steady POST load that remembers each 201, the peer-client
(kcat) view of the final topic, the recorder's view, and the outcome row of a scenario."""
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import e2elib as e2e  # noqa: E402
from chain import Chain  # noqa: E402

PID_DIR = os.path.join(os.environ.get("EDAOBS_RUN_DIR", os.path.join(e2e.ROOT, ".run")), "pids")
STACK_UP = os.path.join(e2e.ROOT, "scripts", "stack-up.sh")
STACK_DOWN = os.path.join(e2e.ROOT, "scripts", "stack-down.sh")
COMMIT_INTERVAL_S = 1.0
RESTART_BOUND_S = 5.0
READY_AFTER_BROKER_BOUND_S = 10.0


class Load:
    """POSTs one event per 1/rate seconds from a background thread; remembers every 201."""

    def __init__(self, chain, rate):
        self.chain, self.interval = chain, 1.0 / rate
        self.acknowledged, self.refused, self.errors = {}, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._n = 0

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self):
        next_at = time.monotonic()
        while not self._stop.is_set():
            self._n += 1
            key = f"{self.chain.tag}-{self._n}"
            body = json.dumps({"type": "order.created", "subject": f"o-{self._n}",
                               "data": {"customer": "c-1", "amount_cents": 100 + self._n,
                                        "currency": "EUR", "country": "DE"}}).encode()
            req = urllib.request.Request(self.chain.url("publisher", "/events"), data=body,
                                         headers={"Content-Type": "application/json", "Idempotency-Key": key})
            try:
                with urllib.request.urlopen(req, timeout=15) as resp:
                    answer = json.loads(resp.read())
                    if resp.status == 201:
                        self.acknowledged[answer["id"]] = (answer["partition"], answer["offset"])
            except urllib.error.HTTPError as exc:
                exc.read()
                if exc.code == 503:
                    self.refused += 1
                else:
                    self.errors += 1
            except OSError:
                self.errors += 1
            next_at += self.interval
            self._stop.wait(max(0.0, next_at - time.monotonic()))


def final_topic_ids(topic):
    """ce_id of every record in `topic`, read with kcat (a peer client), duplicates included."""
    out = e2e.run(["kcat", "-b", e2e.KAFKA, "-C", "-t", topic, "-o", "beginning", "-e", "-q",
                   "-f", "%h\n"], timeout=120).decode(errors="replace")
    ids = []
    for line in out.splitlines():
        for header in line.split(","):
            if header.startswith("ce_id="):
                ids.append(header[len("ce_id="):])
    return ids


def recorded_ids(chain):
    ids = []
    with open(chain.log_path("recorder")) as f:
        for raw in f:
            try:
                line = json.loads(raw)
            except ValueError:
                continue  # a line cut short by a kill -9
            if line.get("msg") == "event recorded":
                ids.append(line["event_id"])
    return ids


def settle(chain, acked, timeout=180):
    """Waits until every acknowledged event reached the final topic and the recorder."""
    def complete():
        return set(acked) <= set(final_topic_ids(chain.enriched)) and set(acked) <= set(recorded_ids(chain))
    try:
        e2e.wait_for("every acknowledged event at the end of the chain", complete, timeout=timeout, interval=2)
    except AssertionError:
        pass  # reported as lost below


def outcome(name, chain, load, **extra):
    final = final_topic_ids(chain.enriched)
    recorded = recorded_ids(chain)
    acked = set(load.acknowledged)
    lost_final = sorted(acked - set(final))
    lost_recorded = sorted(acked - set(recorded))
    result = {
        "scenario": name, "acknowledged": len(acked), "refused_503": load.refused,
        "client_errors": load.errors, "in_final_topic": len(set(final) & acked),
        "recorded": len(set(recorded) & acked), "lost": len(set(lost_final) | set(lost_recorded)),
        "lost_ids": (lost_final + lost_recorded)[:10],
        "duplicates_final_topic": len(final) - len(set(final)),
        "duplicates_recorded": len(recorded) - len(set(recorded)),
    }
    result.update(extra)
    result["ok"] = result["lost"] == 0 and not result.get("violations")
    return result


def kill_stack_component(name):
    with open(os.path.join(PID_DIR, f"{name}.pid")) as f:
        pid = int(f.read().strip())
    os.kill(pid, 9)
    e2e.wait_for(f"{name} (pid {pid}) gone", lambda: not os.path.exists(f"/proc/{pid}")
                 or open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0] == "Z", timeout=30)


def stack_up():
    subprocess.run([STACK_UP], check=True, stdout=subprocess.DEVNULL, timeout=600)


def all_ready(chain):
    return all(chain._ready(n) for n in chain.agents)


def connection_errors(chain):
    return sum(chain.metric_sum(n, "message_broker_connection_errors_total") for n in chain.agents)
